# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CsAppraisalPeriod(models.Model):
    _inherit = "cs.appraisal.period"

    def _cs_response_rates(self, users, start_utc, end_utc, feedback):
        """Weighted share of calls answered in time, chats answered in time and
        feedback deadlines met; a part without contacts in the period is left
        out (its weight too). One _read_group for calls and chats."""
        company = self.company_id
        weights = self.env["cs.response.weight"]._cs_weights(company)
        # sudo: the CS manager aggregates the whole company (filtered below)
        rows = (
            self.env["cs.first.response.report"]
            .sudo()
            ._cs_rates(
                [
                    ("user_id", "in", users.ids),
                    ("company_id", "in", [company.id, False]),
                    ("date", ">=", start_utc),
                    ("date", "<", end_utc),
                ],
                ["user_id", "medium"],
            )
        )
        counts = {
            (user.id, medium): (met, total) for user, medium, met, total, _r in rows
        }
        res = {}
        for user in users:
            fee = feedback.get(user.id, {})
            parts = {
                "call": counts.get((user.id, "call"), (0, 0)),
                "chat": counts.get((user.id, "chat"), (0, 0)),
                "feedback": (
                    fee.get("met", 0),
                    fee.get("met", 0) + fee.get("missed", 0),
                ),
            }
            num = den = 0.0
            for medium, (met, total) in parts.items():
                weight = weights.get(medium, 0.0)
                if total and weight:
                    num += weight * met / total
                    den += weight
            res[user.id] = round(100.0 * num / den, 2) if den else None
        return res
