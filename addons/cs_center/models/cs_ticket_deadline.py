import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools.mail import generate_tracking_message_id

from .cs_deadline_policy import MET_EVENTS, TARGET_TYPES

_logger = logging.getLogger(__name__)

STATES = [
    ("running", "Running"),
    ("at_risk", "At risk"),
    ("overdue", "Overdue"),
    ("met", "Met"),
    ("missed", "Missed"),
    ("cancelled", "Not applicable"),
]
OPEN_STATES = ("running", "at_risk", "overdue")


class CsTicketDeadline(models.Model):
    """A regulated deadline of a ticket: history, created and changed by the
    workflow only (its policies, events, the escalation job), never deleted."""

    _name = "cs.ticket.deadline"
    _inherit = ["cs.workflow.mixin"]
    _description = "Regulated deadline of a ticket"
    _order = "due_date, id"
    _rec_name = "policy_id"

    _cs_state_field = "state"
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _cs_frozen_states = ("met", "missed", "cancelled")

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    policy_id = fields.Many2one(
        comodel_name="cs.deadline.policy",
        ondelete="set null",
        readonly=True,
    )
    target_type = fields.Selection(selection=TARGET_TYPES, required=True, readonly=True)
    met_event = fields.Selection(selection=MET_EVENTS, required=True, readonly=True)
    round = fields.Integer(default=1, readonly=True)
    start_date = fields.Datetime(string="Accepted on", required=True, readonly=True)
    due_date = fields.Datetime(required=True, readonly=True, index=True)
    at_risk_date = fields.Datetime(readonly=True)
    met_date = fields.Datetime(readonly=True)
    cancel_date = fields.Datetime(
        string="No longer applicable since",
        readonly=True,
        help="Set when the ticket changed so that the deadline's policy no longer "
        "matches (e.g. a complaint downgraded from major to general). The deadline "
        "is kept: not applicable, or missed if it was already overdue.",
    )
    cancel_reason = fields.Text(string="Why no longer applicable", readonly=True)
    state = fields.Selection(
        selection=STATES,
        compute="_compute_state",
        store=True,
        precompute=True,
        index=True,
        help="Running, at risk and overdue are refreshed by the escalation job; met "
        "and missed are set when the ticket reaches the event.",
    )
    escalation_level = fields.Integer(readonly=True, default=0)
    last_escalation_date = fields.Datetime(readonly=True)
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True, index=True
    )
    team_id = fields.Many2one(related="ticket_id.team_id", store=True, precompute=True)
    user_id = fields.Many2one(
        related="ticket_id.user_id", store=True, precompute=True, string="Handler"
    )
    first_owner_id = fields.Many2one(
        related="ticket_id.first_owner_id", store=True, precompute=True
    )
    request_kind = fields.Selection(
        related="ticket_id.request_kind", store=True, precompute=True
    )

    @api.depends("due_date", "at_risk_date", "met_date", "cancel_date")
    def _compute_state(self):
        now = fields.Datetime.now()
        for deadline in self:
            if deadline.cancel_date and not deadline.met_date:
                # an overdue deadline stays a breach; otherwise it no longer applies
                deadline.state = (
                    "missed"
                    if deadline.due_date and deadline.due_date < deadline.cancel_date
                    else "cancelled"
                )
            elif deadline.met_date:
                deadline.state = (
                    "met" if deadline.met_date <= deadline.due_date else "missed"
                )
            elif deadline.state == "missed":
                continue  # closed without meeting it
            elif deadline.due_date and deadline.due_date < now:
                deadline.state = "overdue"
            elif deadline.at_risk_date and deadline.at_risk_date <= now:
                deadline.state = "at_risk"
            else:
                deadline.state = "running"

    # ------------------------------------------------------------------ jobs
    @api.model
    def _cs_refresh_states(self):
        """Move running deadlines to at risk / overdue, set-based, and refresh the
        tickets' summary state and the priority-dispatch flag."""
        now = fields.Datetime.now()
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            """
            UPDATE cs_ticket_deadline SET state = 'overdue'
             WHERE state IN ('running', 'at_risk') AND met_date IS NULL
               AND due_date < %s
            RETURNING ticket_id
            """,
            [now],
        )
        ticket_ids = {r[0] for r in cr.fetchall()}
        cr.execute(
            """
            UPDATE cs_ticket_deadline SET state = 'at_risk'
             WHERE state = 'running' AND met_date IS NULL AND at_risk_date <= %s
            RETURNING ticket_id
            """,
            [now],
        )
        ticket_ids |= {r[0] for r in cr.fetchall()}
        # service jobs not dispatched on their day get priority dispatch next morning
        cr.execute(
            """
            UPDATE helpdesk_ticket t SET priority_dispatch = TRUE, priority = '3'
              FROM cs_ticket_deadline d
             WHERE d.ticket_id = t.id AND d.target_type = 'dispatch'
               AND d.state = 'overdue' AND d.round = t.round_number
               AND t.dispatch_date IS NULL AND NOT COALESCE(t.priority_dispatch, FALSE)
            """
        )
        if ticket_ids:
            self.env["helpdesk.ticket"]._cs_sql_refresh_deadline_state(list(ticket_ids))
        self.env.invalidate_all()
        return len(ticket_ids)

    _ESCALATION_WHERE = """
          FROM cs_ticket_deadline d
          JOIN helpdesk_ticket t ON t.id = d.ticket_id
          JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
         WHERE d.state = 'overdue' AND d.met_date IS NULL
           AND d.escalation_level < %(level)s
           AND d.due_date <= %(now)s - make_interval(secs => %(delay)s)
           AND t.active AND t.cs_regulated AND NOT COALESCE(s.closed, FALSE)
           AND (%(company)s IS NULL OR d.company_id = %(company)s)
    """

    @api.model
    def _cron_escalate(self, batch_size=1000, auto_commit=None):
        """Take overdue deadlines up the escalation ladder, one level at a time and
        each level once per deadline, on customer-service tickets.

        Batches are locked with SKIP LOCKED so that two cron workers can run it at
        once. As a scheduled job it uses Odoo 18's progress API: one batch of at most
        ``batch_size`` steps per call, reported with ``ir.cron._notify_progress``;
        the cron runner commits after each call and calls again while steps remain.
        Called directly (shell, tests) it escalates every batch in the caller's
        transaction. ``auto_commit`` is accepted for compatibility and ignored: this
        method never commits."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        self._cs_refresh_states()
        # sudo: a scheduled job; the levels are configuration
        levels = self.env["cs.escalation.level"].sudo().search([("level", ">", 0)])
        total = 0
        now = fields.Datetime.now()
        for level in levels:
            while not (in_cron and total >= batch_size):
                limit = batch_size - total if in_cron else batch_size
                self.env.cr.execute(
                    "SELECT d.id"
                    + self._ESCALATION_WHERE
                    + " ORDER BY d.id LIMIT %(limit)s FOR UPDATE OF d SKIP LOCKED",
                    dict(self._cs_escalation_params(level, now), limit=limit),
                )
                ids = [r[0] for r in self.env.cr.fetchall()]
                if not ids:
                    break
                self.browse(ids)._cs_escalate_to(level)
                total += len(ids)
        if in_cron:
            remaining = 0
            for level in levels:
                self.env.cr.execute(
                    "SELECT count(*)" + self._ESCALATION_WHERE,
                    self._cs_escalation_params(level, now),
                )
                remaining += self.env.cr.fetchone()[0]
            self.env["ir.cron"]._notify_progress(done=total, remaining=remaining)
        _logger.info("cs_center escalation: %s deadline steps escalated", total)
        return total

    @api.model
    def _cs_escalation_params(self, level, now):
        return {
            "level": level.level,
            "now": now,
            "delay": level.delay_hours * 3600.0,
            "company": level.company_id.id or None,
        }

    def _cs_escalate_to(self, level):
        """Escalate these (locked) deadlines to ``level``: one activity for the
        recipient and one chatter note per ticket, then record the level."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT d.id, d.ticket_id, d.target_type, d.due_date,
                   t.first_owner_id, t.user_id, team.user_id, c.cs_manager_id,
                   d.company_id
              FROM cs_ticket_deadline d
              JOIN helpdesk_ticket t ON t.id = d.ticket_id
              LEFT JOIN helpdesk_ticket_team team ON team.id = t.team_id
              JOIN res_company c ON c.id = d.company_id
             WHERE d.id IN %s
            """,
            [tuple(self.ids)],
        )
        rows = cr.fetchall()
        fallback = {}
        activity_type = self.env.ref("cs_center.mail_activity_type_cs_escalation")
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        labels = dict(self._fields["target_type"]._description_selection(self.env))
        today = fields.Date.context_today(self)
        activities, notes = {}, {}
        for (
            _deadline_id,
            ticket_id,
            target_type,
            due_date,
            first_owner,
            handler,
            leader,
            manager,
            company_id,
        ) in rows:
            if not manager:
                if company_id not in fallback:
                    fallback[company_id] = self._cs_fallback_manager(company_id)
                manager = fallback[company_id]
            user_id = (
                {
                    "first_owner": first_owner,
                    "handler": handler or first_owner,
                    "team_leader": leader,
                    "cs_manager": manager,
                }[level.recipient]
                or manager
                or first_owner
            )
            target = labels.get(target_type, target_type)
            if user_id:
                # one activity per ticket and recipient, listing its overdue targets
                activity = activities.setdefault(
                    (ticket_id, user_id),
                    {
                        "res_model_id": model_id,
                        "res_id": ticket_id,
                        "activity_type_id": activity_type.id,
                        "user_id": user_id,
                        "date_deadline": today,
                        "targets": [],
                    },
                )
                activity["targets"].append(target)
            line = escape(
                self.env._(
                    "Escalated to %(level)s: %(target)s was due on %(due)s.",
                    level=level.name,
                    target=target,
                    due=fields.Datetime.to_string(due_date),
                )
            )
            notes.setdefault(ticket_id, []).append(line)
        for activity in activities.values():
            activity["summary"] = self.env._(
                "Overdue: %(targets)s (level %(level)s)",
                targets=", ".join(activity.pop("targets")),
                level=level.level,
            )
        self._cs_escalation_record(list(activities.values()), notes)
        cr.execute(
            """
            UPDATE cs_ticket_deadline
               SET escalation_level = %s, last_escalation_date = %s
             WHERE id IN %s
            """,
            [level.level, fields.Datetime.now(), tuple(self.ids)],
        )
        self.invalidate_recordset(["escalation_level", "last_escalation_date"])

    @api.model
    def _cs_escalation_record(self, activities, notes):
        """Write a batch's activities (one per ticket and recipient, the recipient
        following the ticket) and chatter notes (one per ticket) set-based: what
        ``mail.activity.create`` and ``_message_log_batch`` write, in four
        statements whatever the batch size (the ORM spends milliseconds per record
        on mail's inverse caches; issue 13: escalation <= 0.5 ms per step). The
        recipients' activity counters are told over the bus like the ORM does."""
        if not notes:
            return
        cr = self.env.cr
        now = fields.Datetime.now()
        uid = self.env.uid
        # sudo: scheduled job; the tickets of the batch it has locked
        tickets = self.env["helpdesk.ticket"].sudo().browse(list(notes))
        names = dict(zip(tickets.ids, tickets.mapped("display_name"), strict=True))
        if activities:
            # sudo: scheduled job; the recipients' time zone and partner
            users = (
                self.env["res.users"]
                .sudo()
                .browse(list({a["user_id"] for a in activities}))
            )
            tz = {u.id: u.tz or None for u in users}
            cr.execute(
                """
                INSERT INTO mail_activity
                    (res_model_id, res_model, res_id, res_name, activity_type_id,
                     summary, date_deadline, user_id, user_tz, active, automated,
                     create_uid, write_uid, create_date, write_date)
                SELECT v.model_id, 'helpdesk.ticket', v.res_id, v.res_name,
                       v.type_id, v.summary, v.deadline, v.user_id, v.tz, TRUE, TRUE,
                       %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM unnest(%(model_id)s::int[], %(res_id)s::int[],
                              %(res_name)s::varchar[], %(type_id)s::int[],
                              %(summary)s::varchar[], %(deadline)s::date[],
                              %(user_id)s::int[], %(tz)s::varchar[])
                    AS v(model_id, res_id, res_name, type_id, summary, deadline,
                         user_id, tz)
                """,
                {
                    "uid": uid,
                    "now": now,
                    "model_id": [a["res_model_id"] for a in activities],
                    "res_id": [a["res_id"] for a in activities],
                    "res_name": [names.get(a["res_id"]) for a in activities],
                    "type_id": [a["activity_type_id"] for a in activities],
                    "summary": [a["summary"] for a in activities],
                    "deadline": [a["date_deadline"] for a in activities],
                    "user_id": [a["user_id"] for a in activities],
                    "tz": [tz.get(a["user_id"]) for a in activities],
                },
            )
            # the recipient follows the ticket (mail.activity.create subscribes
            # the assignee with the model's default subtypes)
            subtypes, _internal, _external = self.env[
                "mail.message.subtype"
            ]._default_subtypes("helpdesk.ticket")
            cr.execute(
                """
                WITH new AS (
                    INSERT INTO mail_followers (res_model, res_id, partner_id)
                    SELECT DISTINCT 'helpdesk.ticket', v.res_id, u.partner_id
                      FROM unnest(%s::int[], %s::int[]) AS v(res_id, user_id)
                      JOIN res_users u ON u.id = v.user_id
                    ON CONFLICT DO NOTHING
                    RETURNING id
                )
                INSERT INTO mail_followers_mail_message_subtype_rel
                    (mail_followers_id, mail_message_subtype_id)
                SELECT new.id, s.id FROM new, unnest(%s::int[]) AS s(id)
                ON CONFLICT DO NOTHING
                """,
                [
                    [a["res_id"] for a in activities],
                    [a["user_id"] for a in activities],
                    list(subtypes),
                ],
            )
            users._bus_send("mail.activity/updated", {"activity_created": True})
        # the chatter notes: what _message_log_batch writes
        Thread = self.env["mail.thread"]
        author_id, email_from = Thread._message_compute_author(
            None, None, raise_on_email=False
        )
        cr.execute(
            """
            INSERT INTO mail_message
                (model, res_id, body, message_type, subtype_id, is_internal,
                 author_id, email_from, email_add_signature, message_id, reply_to,
                 date, create_uid, write_uid, create_date, write_date)
            SELECT 'helpdesk.ticket', v.res_id, v.body, 'notification', %(note)s,
                   TRUE, %(author)s, %(email_from)s, FALSE, %(message_id)s,
                   %(reply_to)s, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM unnest(%(res_id)s::int[], %(body)s::text[]) AS v(res_id, body)
            """,
            {
                "note": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                "author": author_id or None,
                "email_from": email_from or None,
                "message_id": generate_tracking_message_id("message-notify"),
                "reply_to": Thread._notify_get_reply_to(default=email_from)[False]
                or None,
                "now": now,
                "uid": uid,
                "res_id": list(notes),
                "body": [str(Markup("<br/>").join(lines)) for lines in notes.values()],
            },
        )
        for model in ("mail.activity", "mail.message", "mail.followers"):
            self.env[model].invalidate_model()
        tickets.invalidate_recordset()

    @api.model
    def _cs_fallback_manager(self, company_id):
        group = self.env.ref("cs_center.group_cs_manager")
        # sudo: reads the members of the CS manager group to pick a recipient
        users = group.sudo().users.filtered(
            lambda u: company_id in u.company_ids.ids and not u.share and u.active
        )
        return users[:1].id
