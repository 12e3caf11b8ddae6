from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.cs_survey.models.cs_survey_score import local_date

PAYLOAD_SCHEMA = "cs_archive_survey.survey/1"

# an extension of survey.user_input (the name repeated: two parents)
USER_INPUT = "survey.user_input"


def _score(has_score, score):
    return round(score, 2) if has_score else None


class SurveyUserInput(models.Model):
    """Completed satisfaction answers are archived for the customer
    (cs.archivable.mixin)."""

    _name = USER_INPUT
    _inherit = [USER_INPUT, "cs.archivable.mixin"]

    _cs_archive_entry_type = "survey"
    _cs_archive_template = "cs_archive_survey.rendering_survey"
    _cs_archive_reason = "answered"

    def _mark_done(self):
        res = super()._mark_done()  # cs_survey scores the answers there
        # sudo: the archive snapshots the answer whoever submitted it (usually
        # the public user through the customer's token); nothing is returned
        self.sudo()._cs_archive()
        return res

    # ------------------------------------------------------------------ archivable
    def _cs_archivable(self):
        """Completed satisfaction answers that belong to a ticket or a customer."""
        return self.filtered(
            lambda i: (
                i.state == "done"
                and i.survey_id.cs_is_satisfaction
                and (i.cs_ticket_id or i.partner_id)
            )
        )

    def _cs_archive_item(self, payload):
        self.ensure_one()
        ticket = self.cs_ticket_id
        return {
            "partner": self.partner_id or ticket.partner_id,
            "company": ticket.company_id or self.cs_company_id,
            "first_owner": ticket.first_owner_id,
            "handler": ticket.user_id,
            "name": " ".join(
                p
                for p in (
                    self.survey_id.title,
                    ticket.number or self.partner_id.display_name,
                )
                if p
            ),
        }

    @api.model
    def _cs_archive_missing_sql(self):
        return (
            SQL("survey_user_input x JOIN survey_survey s ON s.id = x.survey_id"),
            SQL(
                """
                s.cs_is_satisfaction AND x.state = 'done'
                AND (x.cs_ticket_id IS NOT NULL OR x.partner_id IS NOT NULL)
                AND NOT EXISTS (
                    SELECT 1 FROM cs_archive_entry e
                     WHERE e.res_model = 'survey.user_input' AND e.res_id = x.id)
                """
            ),
        )

    # ------------------------------------------------------------------ payload
    def _cs_archive_payloads(self, reason=None):
        """{answer id: payload}, with one query per related model whatever the
        number of answers."""
        lines = defaultdict(list)
        for line in self.env["survey.user_input.line"].search(
            [("user_input_id", "in", self.ids)],
            order="user_input_id, question_sequence, question_id, id",
        ):
            lines[line.user_input_id.id].append(self._cs_archive_line(line))
        dimensions = defaultdict(dict)
        agents = defaultdict(list)
        for row in self.env["cs.survey.score"].search(
            [("user_input_id", "in", self.ids)], order="user_input_id, id"
        ):
            dimension = row.dimension_id
            dim_ref = {
                "id": dimension.id,
                "code": dimension.code,
                "name": dimension.name,
                "kind": dimension.kind,
            }
            if row.in_total:
                acc = dimensions[row.user_input_id.id].setdefault(
                    dimension.id,
                    {"dimension": dim_ref, "answers": 0, "counted": 0, "points": 0.0},
                )
                acc["answers"] += row.answer_count
                acc["counted"] += row.counted_count
                acc["points"] += row.points
            if row.rated_user_id:
                agents[row.user_input_id.id].append(
                    {
                        "agent": self._cs_archive_ref(row.rated_user_id),
                        "dimension": dim_ref,
                        "score": _score(row.has_score, row.score),
                        "answers": row.answer_count,
                        "counted": row.counted_count,
                    }
                )
        result = {}
        for user_input in self:
            ticket = user_input.cs_ticket_id
            company = ticket.company_id or user_input.cs_company_id
            answered = user_input.end_datetime
            result[user_input.id] = {
                "schema": PAYLOAD_SCHEMA,
                "survey": {
                    "id": user_input.survey_id.id,
                    "title": user_input.survey_id.title,
                },
                "customer": self._cs_archive_partner(
                    user_input.partner_id or ticket.partner_id
                ),
                "ticket": self._cs_archive_ticket_ref(ticket),
                "campaign": self._cs_archive_ref(user_input.cs_campaign_id),
                "rated_agents": [
                    self._cs_archive_ref(u) for u in user_input.cs_rated_user_ids
                ],
                "sent_date": self._cs_archive_dt(user_input.cs_sent_date),
                "answered_date": self._cs_archive_dt(answered),
                "answer_date_local": (
                    str(local_date(answered, company.partner_id.tz))
                    if answered
                    else None
                ),
                "answers": lines[user_input.id],
                "score": {
                    "score": _score(user_input.cs_has_score, user_input.cs_score),
                    "answers": user_input.cs_answer_count,
                    "counted": user_input.cs_counted_count,
                    "low": user_input.cs_low,
                },
                "dimension_scores": [
                    {
                        "dimension": acc["dimension"],
                        "score": _score(
                            acc["counted"], acc["points"] / (acc["counted"] or 1)
                        ),
                        "answers": acc["answers"],
                        "counted": acc["counted"],
                    }
                    for acc in dimensions[user_input.id].values()
                ],
                "agent_scores": agents[user_input.id],
            }
        return result

    @api.model
    def _cs_archive_line(self, line):
        """One answer: the question, the matrix row, the text or level chosen;
        levels that do not count ("don't know") are marked."""
        answer = line.suggested_answer_id
        kind = line.answer_type
        if line.skipped or not kind:
            text = None
        elif kind == "suggestion":
            text = answer.value
        elif kind == "numerical_box":
            text = line.value_numerical_box
        elif kind == "scale":
            text = line.value_scale
        elif kind == "date":
            text = str(line.value_date) if line.value_date else None
        elif kind == "datetime":
            text = self._cs_archive_dt(line.value_datetime)
        else:
            text = line[f"value_{kind}"] or None
        return {
            "question": line.question_id.title,
            "question_id": line.question_id.id,
            "row": line.matrix_row_id.value or None,
            "type": kind or None,
            "answer": text,
            "level": answer.value or None,
            "points": answer.cs_points if answer else None,
            "counted": bool(answer and answer.cs_counted),
            "dont_know": bool(answer and not answer.cs_counted),
            "skipped": bool(line.skipped),
        }

    # ------------------------------------------------------------------ backfill
    @api.model
    def _cs_archive_backfill(self, batch_size=500):
        """Archive the completed satisfaction answers that have no entry yet (in
        batches). Returns the number archived."""
        return self._cs_archive_missing(batch_size=batch_size)[0]
