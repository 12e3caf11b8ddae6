import json

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
