from django import forms

from core.models import Upload

ONCOTREE_CODE = r"^[A-Za-z0-9_]{1,32}$"


def oncotree_code_clean(value: str) -> str:
    """The current OncoTree code for ``value`` (old codes map forward); empty stays empty."""
    from genomics.kb import oncotree

    if not value:
        return ""
    current = oncotree.bundled().resolve(value)
    if current is None:
        raise forms.ValidationError(f"'{value}' is not an OncoTree code (e.g. MEL, COADREAD).")
    return current


class CaseForm(forms.Form):
    pseudonym = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
        required=False,
        help_text="Leave empty to generate one. Never a name or a birth date.",
        error_messages={"invalid": "Letters, digits, '.', '_' and '-' only."},
    )
    tumor_type = forms.RegexField(
        regex=ONCOTREE_CODE, required=False, help_text="OncoTree code, e.g. MEL, COADREAD, LUAD"
    )
    diagnosis = forms.CharField(max_length=500, required=False)
    clinical_question = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assembly = forms.ChoiceField(choices=[("GRCh38", "GRCh38"), ("GRCh37", "GRCh37")])

    def clean_tumor_type(self) -> str:
        return oncotree_code_clean(self.cleaned_data.get("tumor_type", ""))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[c for c in Upload.Kind.choices if c[0] != "imaging"])
    # The reader refuses an empty file with a message that names it (the form would not).
    file = forms.FileField(allow_empty_file=True, required=False)
    server_path = forms.CharField(
        max_length=1000,
        required=False,
        help_text="or a file of several GB already under the server's import folder",
    )
    tumor_sample = forms.CharField(max_length=200, required=False)
    normal_sample = forms.CharField(max_length=200, required=False)
    assay = forms.ChoiceField(
        choices=[("WES", "WES"), ("WGS", "WGS"), ("panel", "Panel"), ("RNA", "RNA")],
        required=False,
    )
    purity = forms.FloatField(min_value=0.0, max_value=1.0, required=False)
    ploidy = forms.FloatField(min_value=0.5, max_value=10.0, required=False)

    OPTIONS = ("tumor_sample", "normal_sample", "assay", "purity", "ploidy")

    def register_arguments(self) -> dict:
        """The cleaned form as keyword arguments of ``upload_register`` (without user, case)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "source": data["source"],
            "original_name": data["original_name"],
            "options": {key: data.get(key) for key in self.OPTIONS},
        }

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("server_path")):
            raise forms.ValidationError("Choose a file to upload, or give a server path; not both.")
        if data.get("server_path"):
            from core.services.uploads import import_path_resolve

            try:
                data["source"] = import_path_resolve(data["server_path"])
            except (PermissionError, FileNotFoundError) as error:
                raise forms.ValidationError(str(error)) from error
            data["original_name"] = data["source"].name
        else:
            data["source"] = data["file"]
            data["original_name"] = data["file"].name
        return data
