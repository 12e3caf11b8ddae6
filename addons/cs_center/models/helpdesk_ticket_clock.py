from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from .cs_ticket_deadline import OPEN_STATES

DEADLINE_SEVERITY = {"overdue": 5, "at_risk": 4, "running": 3, "missed": 2, "met": 1}


class HelpdeskTicket(models.Model):
    """Regulated clocks of a ticket: deadlines from the policies, events that meet
    them, the summary state (regulated tickets only)."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ clocks
    def _cs_apply_policies(self, new=False):
        """Create the deadlines of the current round from the matching policies
        (customer-service tickets only). An open deadline whose policy no longer
        matches (e.g. a major complaint downgraded to general) is never deleted: it
        is kept, closed as not applicable with the reason, or as missed if it was
        already overdue (a downgrade does not erase a breach)."""
        tickets = self.filtered("cs_regulated")
        if not tickets:
            return
        # sudo: policies are configuration read for every ticket creator (a helpdesk
        # user outside the CS groups has no access to them)
        Policy = self.env["cs.deadline.policy"].sudo()
        # sudo: deadlines are maintained by the workflow only (read-only for users)
        Deadline = self.env["cs.ticket.deadline"].sudo()
        to_create, stale_by_ticket = [], {}
        policies_by_company = {}
        for ticket in tickets:
            company_id = ticket.company_id.id
            if company_id not in policies_by_company:
                policies_by_company[company_id] = Policy.browse(
                    Policy._get_policy_ids(company_id)
                )
            matching = policies_by_company[company_id].filtered(
                lambda p, ticket=ticket: p._matches(ticket)
            )
            if new:
                current = Deadline
            else:
                # sudo: deadlines are maintained by the workflow only
                current = ticket.sudo().deadline_ids.filtered(
                    lambda d, ticket=ticket: (
                        d.round == ticket.round_number and not d.cancel_date
                    )
                )
                stale = current.filtered(
                    lambda d, matching=matching: (
                        d.state in OPEN_STATES and d.policy_id not in matching
                    )
                )
                if stale:
                    stale_by_ticket[ticket] = stale
                current -= stale
            start = ticket.round_start_date or ticket.create_date
            for policy in matching - current.policy_id:
                to_create.append(policy._prepare_deadline_vals(ticket, start))
        with self._cs_workflow_step("cs.ticket.deadline"):
            for ticket, stale in stale_by_ticket.items():
                ticket._cs_close_stale_deadlines(stale)
            created = Deadline.create(to_create) if to_create else Deadline
            if new:
                tickets._cs_summarise_new_deadlines(created)
            elif created or stale_by_ticket:
                tickets._cs_refresh_deadline_state()

    def _cs_close_stale_deadlines(self, stale):
        """Keep ``stale`` (open deadlines of this ticket whose policy no longer
        matches) as not applicable, or missed when already overdue, with the reason;
        logged on the ticket. Inside the workflow grant."""
        self.ensure_one()
        kind = dict(self._fields["request_kind"]._description_selection(self.env))
        severity = dict(self._fields["severity"]._description_selection(self.env))
        reason = self.env._(
            "Its policy no longer matches the ticket (now: %(kind)s, %(severity)s, "
            "%(team)s, %(channel)s).",
            kind=kind.get(self.request_kind, "-"),
            severity=severity.get(self.severity, "-"),
            team=self.team_id.name or "-",
            channel=self.channel_id.name or "-",
        )
        stale.write({"cancel_date": fields.Datetime.now(), "cancel_reason": reason})
        labels = dict(stale._fields["state"]._description_selection(self.env))
        self.message_post(
            body=Markup("<br/>").join(
                escape(
                    self.env._(
                        "Deadline %(deadline)s (due %(due)s) kept as %(state)s: "
                        "%(reason)s",
                        deadline=d.display_name,
                        due=fields.Datetime.to_string(d.due_date),
                        state=labels.get(d.state, d.state),
                        reason=reason,
                    )
                )
                for d in stale
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _cs_summarise_new_deadlines(self, created):
        """New tickets: summarise in Python, flushed with the ticket's own update."""
        summary = defaultdict(lambda: ["", False])
        for deadline in created:
            entry = summary[deadline.ticket_id.id]
            if DEADLINE_SEVERITY[deadline.state] > DEADLINE_SEVERITY.get(entry[0], 0):
                entry[0] = deadline.state
            if deadline.state in OPEN_STATES and (
                not entry[1] or deadline.due_date < entry[1]
            ):
                entry[1] = deadline.due_date
        for ticket_id, (state, next_due) in summary.items():
            # sudo: summary fields maintained by the workflow (inside its grant)
            self.sudo().browse(ticket_id).write(
                {"deadline_state": state, "next_due_date": next_due}
            )

    def _cs_mark_event(self, event, when=None):
        when = when or fields.Datetime.now()
        # sudo: deadlines are maintained by the workflow only
        deadlines = self.sudo().deadline_ids.filtered(
            lambda d: (
                d.met_event == event
                and not d.met_date
                and d.state in OPEN_STATES
                and d.round == d.ticket_id.round_number
            )
        )
        if deadlines:
            deadlines._cs_workflow_write({"met_date": when})
            self._cs_refresh_deadline_state()

    def _cs_refresh_deadline_state(self):
        self.env["cs.ticket.deadline"].flush_model()
        self._cs_sql_refresh_deadline_state(self.ids)

    @api.model
    def _cs_sql_refresh_deadline_state(self, ticket_ids):
        """Summary state and next due date of the current round, in one query."""
        if not ticket_ids:
            return
        tickets = self.env["helpdesk.ticket"].browse(ticket_ids)
        # values written by the ORM and not flushed yet go first: flushed after
        # this UPDATE they would overwrite it
        tickets.flush_recordset(["deadline_state", "next_due_date", "round_number"])
        self.env.cr.execute(
            """
            UPDATE helpdesk_ticket t
               SET deadline_state = s.state, next_due_date = s.next_due
              FROM (
                SELECT t2.id,
                       (ARRAY['met', 'missed', 'running', 'at_risk', 'overdue'])[
                           MAX(CASE d.state WHEN 'overdue' THEN 5 WHEN 'at_risk' THEN 4
                               WHEN 'running' THEN 3 WHEN 'missed' THEN 2
                               WHEN 'met' THEN 1 END)] AS state,
                       MIN(d.due_date) FILTER (
                           WHERE d.state IN ('running', 'at_risk', 'overdue')
                       ) AS next_due
                  FROM helpdesk_ticket t2
                  LEFT JOIN cs_ticket_deadline d
                    ON d.ticket_id = t2.id AND d.round = t2.round_number
                 WHERE t2.id IN %s
                 GROUP BY t2.id
              ) s
             WHERE s.id = t.id
            """,
            [tuple(ticket_ids)],
        )
        tickets.invalidate_recordset(["deadline_state", "next_due_date"], flush=False)

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._cs_detect_first_reply(message)
        return res

    def _cs_detect_first_reply(self, message):
        """Feedback is met by the first message sent to the customer: a public
        message (not a note) written by an internal user that reaches the
        customer."""
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        if message.subtype_id.id != comment or message.message_type not in (
            "comment",
            "email_outgoing",
        ):
            return
        author_users = message.author_id.user_ids
        if not author_users or all(u.share for u in author_users):
            return
        for ticket in self.filtered(
            lambda t: t.cs_regulated and not t.first_reply_date
        ):
            customer = ticket.partner_id
            if customer and (
                customer == message.author_id
                or customer not in (message.partner_ids | ticket.message_partner_ids)
            ):
                continue
            # sudo: the workflow records the first reply of an internal author
            ticket.sudo()._cs_workflow_write({"first_reply_date": message.date})
            ticket._cs_mark_event("first_reply", message.date)

    def action_cs_file_report(self):
        """File the investigation report written in the report tab."""
        self._cs_ensure_regulated()
        self.check_access("write")
        empty = self.filtered(
            lambda t: (
                not t.investigation_report
                or not t.investigation_report.striptags().strip()
            )
        )
        if empty:
            raise UserError(
                self.env._(
                    "Write the investigation report before filing it (%(tickets)s).",
                    tickets=", ".join(empty.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        # sudo: after the caller was checked above (workflow transition)
        self.sudo()._cs_workflow_write({"investigation_report_date": now})
        self._cs_mark_event("report", now)
        return True

    def action_cs_dispatch(self):
        """Dispatch the service job to the technician chosen on the ticket."""
        self._cs_ensure_regulated()
        self.check_access("write")
        missing = self.filtered(lambda t: not t.dispatch_user_id)
        if missing:
            raise UserError(
                self.env._(
                    "Choose whom to dispatch the job to (%(tickets)s).",
                    tickets=", ".join(missing.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        # sudo: after the caller was checked above (workflow transition)
        self.sudo()._cs_workflow_write(
            {"dispatch_date": now, "priority_dispatch": False}
        )
        self._cs_mark_event("dispatched", now)
        for ticket in self:
            ticket.message_post(
                body=escape(
                    self.env._(
                        "Service job dispatched to %(user)s.",
                        user=ticket.dispatch_user_id.name,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
