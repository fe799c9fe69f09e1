"""On PostgreSQL, refuse UPDATE and DELETE of history rows in the database itself.

The hash chain detects tampering by anyone who bypasses this (e.g. a superuser disabling
triggers); the trigger stops the application and ordinary SQL from doing it at all.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflow_caseevent is append-only (履历为只追加记录)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflow_caseevent_append_only
    BEFORE UPDATE OR DELETE ON workflow_caseevent
    FOR EACH ROW EXECUTE FUNCTION workflow_caseevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS workflow_caseevent_append_only ON workflow_caseevent;
DROP FUNCTION IF EXISTS workflow_caseevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
