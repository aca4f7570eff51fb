"""The statement checks of migration 0006 behave like the foreign key they replaced in three more
ways (PostgreSQL only):

- the check locks the uploads it found (FOR KEY SHARE, as a foreign key does), so deleting an
  upload waits for a transaction that is still storing its variants instead of leaving them
  without an upload;
- a variant's (upload, case) is checked on UPDATE only when it changes, by a row trigger: other
  updates (the RNA columns of a whole case) no longer copy and check every updated row;
- TRUNCATE core_upload (which needs CASCADE for the other tables' keys) empties the variant table
  too (by DELETE).

The functions run with the search_path they were created with, so a data-only restore (empty
search_path) still finds the tables. Under REPEATABLE READ the check sees the uploads of the
transaction's snapshot; DART runs at READ COMMITTED.
"""

from django.db import migrations

from core.migration_operations import RunSQLOnVendors

CHECK_VARIANTS = """
CREATE OR REPLACE FUNCTION dart_variant_upload_case_check() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    bad record;
BEGIN
    -- lock what is referenced (a foreign key's FOR KEY SHARE), then look for what is missing
    PERFORM 1 FROM core_upload AS u
    JOIN (SELECT DISTINCT upload_id, case_id FROM dart_new_variants) AS n
        ON u.id = n.upload_id AND u.case_id = n.case_id
    FOR KEY SHARE OF u;
    SELECT n.upload_id, n.case_id INTO bad
    FROM (SELECT DISTINCT upload_id, case_id FROM dart_new_variants) AS n
    WHERE NOT EXISTS (
        SELECT 1 FROM core_upload AS u WHERE u.id = n.upload_id AND u.case_id = n.case_id
    )
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'variant names upload % of case %, which does not exist',
            bad.upload_id, bad.case_id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'genomics_variant';
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER dart_variant_update_check ON genomics_variant;
CREATE FUNCTION dart_variant_key_change_check() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM 1 FROM core_upload AS u
    WHERE u.id = NEW.upload_id AND u.case_id = NEW.case_id
    FOR KEY SHARE OF u;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'variant names upload % of case %, which does not exist',
            NEW.upload_id, NEW.case_id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'genomics_variant';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER dart_variant_key_change_check BEFORE UPDATE OF upload_id, case_id
    ON genomics_variant FOR EACH ROW
    WHEN ((OLD.upload_id, OLD.case_id) IS DISTINCT FROM (NEW.upload_id, NEW.case_id))
    EXECUTE FUNCTION dart_variant_key_change_check();
ALTER FUNCTION dart_upload_delete_variants() SET search_path FROM CURRENT;
ALTER FUNCTION dart_upload_keep_variant_key() SET search_path FROM CURRENT;
CREATE FUNCTION dart_upload_truncate_variants() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- DELETE, not TRUNCATE: a TRUNCATE that lists both tables (Django's flush) is still using
    -- the variant table when this runs, and has emptied it already
    DELETE FROM genomics_variant;
    RETURN NULL;
END
$$;
CREATE TRIGGER dart_upload_truncate_variants AFTER TRUNCATE ON core_upload
    FOR EACH STATEMENT EXECUTE FUNCTION dart_upload_truncate_variants();
"""

BACK_TO_0006 = """
DROP TRIGGER dart_upload_truncate_variants ON core_upload;
DROP FUNCTION dart_upload_truncate_variants();
ALTER FUNCTION dart_upload_keep_variant_key() RESET search_path;
ALTER FUNCTION dart_upload_delete_variants() RESET search_path;
DROP TRIGGER dart_variant_key_change_check ON genomics_variant;
DROP FUNCTION dart_variant_key_change_check();
CREATE TRIGGER dart_variant_update_check AFTER UPDATE ON genomics_variant
    REFERENCING NEW TABLE AS dart_new_variants
    FOR EACH STATEMENT EXECUTE FUNCTION dart_variant_upload_case_check();
CREATE OR REPLACE FUNCTION dart_variant_upload_case_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.upload_id, n.case_id INTO bad
    FROM (SELECT DISTINCT upload_id, case_id FROM dart_new_variants) AS n
    WHERE NOT EXISTS (
        SELECT 1 FROM core_upload AS u WHERE u.id = n.upload_id AND u.case_id = n.case_id
    )
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'variant names upload % of case %, which does not exist',
            bad.upload_id, bad.case_id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'genomics_variant';
    END IF;
    RETURN NULL;
END
$$;
ALTER FUNCTION dart_variant_upload_case_check() RESET search_path;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("genomics", "0006_variant_upload_case_statement_checks"),
    ]

    operations = [RunSQLOnVendors([CHECK_VARIANTS], [BACK_TO_0006])]
