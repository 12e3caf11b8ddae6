# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools


class CsFirstResponseReport(models.Model):
    """Answered-in-time rates (R6) of hotline calls and online chats per agent,
    team and period: one row per counted contact (met or not met), so a pivot's
    average of ``in_time_rate`` is the share answered in time."""

    _name = "cs.first.response.report"
    _description = "First-response rates (hotline and online chat)"
    _auto = False
    _order = "date desc"

    medium = fields.Selection(
        selection=[("call", "Hotline call"), ("chat", "Online chat")], readonly=True
    )
    date = fields.Datetime(readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Agent", readonly=True)
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    met = fields.Boolean(string="Answered in time", readonly=True)
    met_count = fields.Integer(string="Answered in time (count)", readonly=True)
    wait_seconds = fields.Float(
        string="First response (s)", readonly=True, aggregator="avg"
    )
    in_time_rate = fields.Float(
        string="Answered in time (%)", readonly=True, aggregator="avg"
    )
    call_id = fields.Many2one(comodel_name="cs.call", readonly=True)
    channel_id = fields.Many2one(comodel_name="discuss.channel", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT c.id * 2 AS id, 'call' AS medium, c.rang_at AS date,
                       c.agent_id AS user_id, c.team_id, c.company_id,
                       c.response_state = 'met' AS met,
                       (c.response_state = 'met')::int AS met_count,
                       c.wait_seconds,
                       CASE WHEN c.response_state = 'met' THEN 100.0 ELSE 0.0 END
                           AS in_time_rate,
                       c.id AS call_id, NULL::integer AS channel_id
                  FROM cs_call c
                 WHERE c.response_state IN ('met', 'missed')
                UNION ALL
                SELECT d.id * 2 + 1, 'chat', d.cs_visitor_first_date,
                       d.cs_first_operator_id, d.cs_team_id, t.company_id,
                       d.cs_response_state = 'met',
                       (d.cs_response_state = 'met')::int,
                       d.cs_first_response_seconds,
                       CASE WHEN d.cs_response_state = 'met' THEN 100.0 ELSE 0.0 END,
                       NULL::integer, d.id
                  FROM discuss_channel d
                  LEFT JOIN helpdesk_ticket_team t ON t.id = d.cs_team_id
                 WHERE d.cs_response_state IN ('met', 'missed')
            )
            """
        )

    @api.model
    def _cs_rates(self, domain, groupby):
        """[(group values..., met, total, rate %)] with one _read_group."""
        return [
            (*keys, met, total, round(100.0 * met / total, 2) if total else None)
            for *keys, met, total in self._read_group(
                domain, groupby, ["met_count:sum", "__count"]
            )
        ]
