"""The 2017 CGI table (no open licence): off unless a site switches it on for research."""

import pytest

from genomics.io.errors import InputError
from genomics.kb import cgi


@pytest.fixture(scope="module")
def path(shared_data):
    return shared_data / "kb" / "cgi" / "cgi_biomarkers_per_variant.2017.tsv.gz"


def test_refused_unless_switched_on(path):
    with pytest.raises(InputError, match="research and non-commercial use only"):
        cgi.load(path)


def test_loads_when_switched_on_and_says_it_is_research_only(path):
    source, items = cgi.load(path, research_only=True)
    assert source.research_only is True
    assert all(i.source.research_only for i in items)
    # first data row: ABL1:T315I, Resistant, [Nilotinib,Dasatinib], European LeukemiaNet guidelines
    t315i = [
        i
        for i in items
        if i.biomarker.protein_change == "T315I"
        and i.tumor_type == "CML"
        and i.direction == "resistance"
    ]
    assert {("nilotinib",), ("dasatinib",)} <= {i.drugs for i in t315i}
    assert any("PMID:21562040" in i.citations for i in t315i)
