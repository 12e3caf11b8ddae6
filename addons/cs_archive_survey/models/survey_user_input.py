from collections import defaultdict

from odoo import api, models

from odoo.addons.cs_archive.models.helpdesk_ticket import _dt, _ref
from odoo.addons.cs_survey.models.cs_survey_score import local_date

from .backfill import archive_missing, cron_auto_commit

PAYLOAD_SCHEMA = "cs_archive_survey.survey/1"


def _customer(partner):
    """The customer as they were when archived."""
    if not partner:
        return None
    return {
        "id": partner.id,
        "name": partner.display_name,
        "email": partner.email or None,
        "phone": partner.phone or None,
        "mobile": partner.mobile or None,
    }


def _ticket(ticket):
    if not ticket:
        return None
    return {"id": ticket.id, "number": ticket.number, "title": ticket.name}


def _score(has_score, score):
    return round(score, 2) if has_score else None


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()  # cs_survey scores the answers there
        # sudo: the archive snapshots the answer whoever submitted it (usually
        # the public user through the customer's token); nothing is returned
        self.sudo()._cs_archive()
        return res

    # ------------------------------------------------------------------ archiving
    def _cs_archivable(self):
        """Completed satisfaction answers that belong to a ticket or a customer."""
        return self.filtered(
            lambda i: (
                i.state == "done"
                and i.survey_id.cs_is_satisfaction
                and (i.cs_ticket_id or i.partner_id)
            )
        )

    def _cs_archive(self):
        """Write one archive entry per completed satisfaction answer; answers
        already archived are skipped (the hook may run twice)."""
        Entry = self.env["cs.archive.entry"]
        inputs = self._cs_archivable()
        if not inputs:
            return Entry
        self.env.cr.execute(
            "SELECT res_id FROM cs_archive_entry WHERE res_model = %s AND res_id IN %s",
            [self._name, tuple(inputs.ids)],
        )
        done = {row[0] for row in self.env.cr.fetchall()}
        inputs = inputs.filtered(lambda i: i.id not in done)
        if not inputs:
            return Entry
        payloads = inputs._cs_archive_payloads()
        items = []
        for user_input in inputs:
            ticket = user_input.cs_ticket_id
            payload = payloads[user_input.id]
            items.append(
                {
                    "entry_type": "survey",
                    "partner": user_input.partner_id or ticket.partner_id,
                    "company": ticket.company_id or user_input.cs_company_id,
                    "source": user_input,
                    "payload": payload,
                    "rendering_html": user_input._cs_archive_render(payload),
                    "first_owner": ticket.first_owner_id,
                    "handler": ticket.user_id,
                    "name": " ".join(
                        p
                        for p in (
                            user_input.survey_id.title,
                            ticket.number or (user_input.partner_id.display_name),
                        )
                        if p
                    ),
                }
            )
        return Entry._archive_many(items)

    def _cs_archive_payloads(self):
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
                        "agent": _ref(row.rated_user_id),
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
                "customer": _customer(user_input.partner_id or ticket.partner_id),
                "ticket": _ticket(ticket),
                "campaign": _ref(user_input.cs_campaign_id),
                "rated_agents": [_ref(u) for u in user_input.cs_rated_user_ids],
                "sent_date": _dt(user_input.cs_sent_date),
                "answered_date": _dt(answered),
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
            text = _dt(line.value_datetime)
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

    # ------------------------------------------------------------------ rendering
    def _cs_archive_render(self, payload):
        """The readable version of an answer's payload: a Markup built from
        escaped values only (no HTML of the customer is embedded as such)."""
        self.ensure_one()
        score = payload["score"]
        ticket = payload["ticket"] or {}
        customer = payload["customer"] or {}
        sections = [
            (
                self.env._("Satisfaction survey"),
                [
                    (self.env._("Survey"), payload["survey"]["title"]),
                    (self.env._("Customer"), customer.get("name")),
                    (self.env._("Ticket"), ticket.get("number")),
                    (self.env._("Ticket title"), ticket.get("title")),
                    (self.env._("Campaign"), payload["campaign"]),
                    (self.env._("Rated agents"), payload["rated_agents"]),
                    (self.env._("Sent on"), payload["sent_date"]),
                    (self.env._("Answered on"), payload["answered_date"]),
                    (self.env._("Score (0-100)"), score["score"]),
                    (self.env._("Counted answers"), score["counted"]),
                    (self.env._("Answers given"), score["answers"]),
                    (self.env._("Low result"), score["low"]),
                ],
            ),
            (
                self.env._("Answers"),
                {
                    "columns": [
                        self.env._("Question"),
                        self.env._("Row"),
                        self.env._("Answer"),
                        self.env._("Points"),
                        self.env._("Not counted (don't know)"),
                    ],
                    "rows": [
                        [
                            a["question"],
                            a["row"],
                            self.env._("(skipped)") if a["skipped"] else a["answer"],
                            a["points"],
                            a["dont_know"],
                        ]
                        for a in payload["answers"]
                    ],
                },
            ),
            (
                self.env._("Scores by dimension"),
                {
                    "columns": [
                        self.env._("Dimension"),
                        self.env._("Score (0-100)"),
                        self.env._("Counted answers"),
                        self.env._("Answers given"),
                    ],
                    "rows": [
                        [d["dimension"], d["score"], d["counted"], d["answers"]]
                        for d in payload["dimension_scores"]
                    ],
                },
            ),
            (
                self.env._("Scores by agent"),
                {
                    "columns": [
                        self.env._("Agent"),
                        self.env._("Dimension"),
                        self.env._("Score (0-100)"),
                        self.env._("Counted answers"),
                        self.env._("Answers given"),
                    ],
                    "rows": [
                        [
                            a["agent"],
                            a["dimension"],
                            a["score"],
                            a["counted"],
                            a["answers"],
                        ]
                        for a in payload["agent_scores"]
                    ],
                },
            ),
        ]
        title = self.env._(
            "%(survey)s: %(customer)s",
            survey=payload["survey"]["title"],
            customer=customer.get("name") or "-",
        )
        return self.env["cs.archive.entry"]._cs_render_sections(title, sections)

    # ------------------------------------------------------------------ backfill
    @api.model
    def _cs_archive_backfill(self, batch_size=500, auto_commit=False):
        """Archive the completed satisfaction answers that have no entry yet (in
        batches; keyset pagination on the id). Returns the number archived."""
        self.flush_model(["state", "cs_ticket_id", "partner_id", "survey_id"])
        return archive_missing(
            self,
            """
            SELECT i.id FROM survey_user_input i
              JOIN survey_survey s ON s.id = i.survey_id
             WHERE i.id > %s AND s.cs_is_satisfaction AND i.state = 'done'
               AND (i.cs_ticket_id IS NOT NULL OR i.partner_id IS NOT NULL)
               AND NOT EXISTS (
                   SELECT 1 FROM cs_archive_entry e
                    WHERE e.res_model = 'survey.user_input' AND e.res_id = i.id)
             ORDER BY i.id
             LIMIT %s
            """,
            batch_size,
            auto_commit,
        )

    @api.model
    def _cron_cs_archive_missing(self, batch_size=500, auto_commit=None):
        """Completeness job (R26): archive the answers that have no entry yet,
        committing per batch; safe when two cron workers run it at once (the chain
        head lock serialises them, the loser retries its batch)."""
        return self._cs_archive_backfill(
            batch_size=batch_size, auto_commit=cron_auto_commit(auto_commit)
        )
