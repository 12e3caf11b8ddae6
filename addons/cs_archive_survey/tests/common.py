import json

from odoo.tools import SQL

from odoo.addons.cs_archive.tests.common import CsArchiveCommon
from odoo.addons.cs_survey.tests.common import CsSurveyCommon


class CsArchiveSurveyCommon(CsSurveyCommon, CsArchiveCommon):
    """cs_center's people, the satisfaction survey helpers of cs_survey and the
    archive readers and managers of cs_archive."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Callback = cls.env["cs.callback"]

    def _entries(self, record):
        return self.Entry.search(
            [("res_model", "=", record._name), ("res_id", "in", record.ids)],
            order="sequence",
        )

    @staticmethod
    def _payload(entry):
        return json.loads(entry.content_json)

    def _can_read(self, user, entry):
        return bool(self.Entry.with_user(user).search([("id", "=", entry.id)]))

    def _force(self, records, **columns):
        """Set columns in SQL: a record completed without the hook (as before this
        bridge was installed), whatever guards the source model's workflow."""
        records.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s WHERE id IN %s",
                SQL.identifier(records._table),
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(name), value)
                    for name, value in columns.items()
                ),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset()
