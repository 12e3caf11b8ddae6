from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.survey.controllers.main import Survey


class CsSurveyPortal(CustomerPortal):
    def _cs_survey_domain(self):
        partner = request.env.user.partner_id
        return [
            ("partner_id", "=", partner.id),
            ("survey_id.cs_is_satisfaction", "=", True),
            ("test_entry", "=", False),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "cs_survey_count" in counters:
            # sudo: only the logged-in customer's own answers (domain above)
            values["cs_survey_count"] = (
                request.env["survey.user_input"]
                .sudo()
                .search_count(self._cs_survey_domain())
            )
        return values

    @http.route(["/my/surveys"], type="http", auth="user", website=True)
    def portal_my_cs_surveys(self, **kw):
        values = self._prepare_portal_layout_values()
        # sudo: only the logged-in customer's own answers (domain above)
        values["cs_surveys"] = (
            request.env["survey.user_input"]
            .sudo()
            .search(self._cs_survey_domain(), order="create_date desc")
        )
        values["page_name"] = "cs_surveys"
        return request.render("cs_survey.portal_my_cs_surveys", values)


class CsSurvey(Survey):
    def _check_validity(
        self, survey_token, answer_token, ensure_token=True, check_partner=True
    ):
        res = super()._check_validity(
            survey_token,
            answer_token,
            ensure_token=ensure_token,
            check_partner=check_partner,
        )
        if res is True and answer_token and check_partner:
            _survey, answer_sudo = self._fetch_from_access_token(
                survey_token, answer_token
            )
            if answer_sudo and not answer_sudo._cs_check_answer_access(
                request.env.user
            ):
                return "answer_wrong_user"
        return res
