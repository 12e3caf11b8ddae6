from collections import defaultdict

from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError, UserError

from .cs_ticket_deadline import OPEN_STATES


class HelpdeskTicket(models.Model):
    """Transitions of a regulated ticket: transfer, first owner, confirmation,
    sign-off, force-close, reopening. Each action checks the caller, then writes
    through the workflow layer (cs.workflow.mixin)."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ ownership
    def _cs_direct_transfers(self, vals):
        """A handler changed directly on the ticket (not through the Transfer
        action) is still recorded as a transfer."""
        new_user = self.env["res.users"].browse(vals["user_id"] or [])
        return [
            {
                "ticket_id": ticket.id,
                "from_user_id": ticket.user_id.id,
                "to_user_id": new_user.id,
                "from_team_id": ticket.team_id.id,
                "to_team_id": vals.get("team_id", ticket.team_id.id),
                "reason": self.env._("Handler changed directly on the ticket"),
            }
            for ticket in self
            if ticket.user_id
            and ticket.user_id.id != SUPERUSER_ID
            and ticket.user_id != new_user
        ]

    def _cs_log_transfers(self, transfer_vals):
        # sudo: transfer history is written by the workflow only (read-only for users)
        transfers = (
            self.env["cs.ticket.transfer"].sudo()._cs_workflow_create(transfer_vals)
        )
        for ticket in self:
            mine = transfers.filtered(lambda t, ticket=ticket: t.ticket_id == ticket)
            if not mine:
                continue
            assist = mine.to_user_id - ticket.assist_user_ids
            if assist:
                # sudo: after the caller was checked above (workflow transition)
                ticket.sudo()._cs_workflow_write(
                    {"assist_user_ids": [fields.Command.link(u.id) for u in assist]}
                )
            # the first owner stays accountable and keeps following the ticket
            partners = (ticket.first_owner_id | mine.to_user_id).partner_id
            ticket.message_subscribe(partner_ids=partners.ids)
        return transfers

    def _cs_check_is_supervisor(self):
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(
                self.env._("Only a customer-service supervisor can do this.")
            )

    def _cs_ensure_regulated(self):
        """The customer-service transitions exist on customer-service tickets only;
        other teams' tickets work as with helpdesk_mgmt alone."""
        other = self.filtered(lambda t: not t.cs_regulated)
        if other:
            raise UserError(
                self.env._(
                    "%(tickets)s: not a customer-service ticket (its team is not a "
                    "customer-service team).",
                    tickets=", ".join(other.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------ closing
    def _cs_ensure_closable(self):
        """The closing rule of a regulated ticket (R4): the customer's satisfaction
        confirmed and the first owner's sign-off. Only force-close (a supervisor, with
        a reason) closes without them."""
        tickets = self
        errors = []
        for ticket in tickets:
            missing = []
            if not ticket.satisfaction_confirm_date:
                missing.append(
                    self.env._("the customer's satisfaction is not confirmed")
                )
            if not ticket.owner_signoff_date:
                missing.append(self.env._("the first owner has not signed off"))
            if missing:
                errors.append(
                    self.env._(
                        "%(ticket)s cannot be closed: %(missing)s.",
                        ticket=ticket.display_name,
                        missing="; ".join(missing),
                    )
                )
        if errors:
            raise UserError("\n".join(errors))

    def _cs_on_closed(self):
        now = fields.Datetime.now()
        self._cs_mark_event("closed", now)
        # what was not reached before closing is missed
        # sudo: deadlines are maintained by the workflow only
        unmet = self.sudo().deadline_ids.filtered(
            lambda d: d.state in OPEN_STATES and d.round == d.ticket_id.round_number
        )
        unmet._cs_workflow_write({"state": "missed"})
        self._cs_refresh_deadline_state()

    def action_owner_signoff(self):
        self._cs_ensure_regulated()
        for ticket in self:
            if ticket.first_owner_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only the first owner (%(owner)s) can sign off %(ticket)s.",
                        owner=ticket.first_owner_id.name or "-",
                        ticket=ticket.display_name,
                    )
                )
            if not ticket.satisfaction_confirm_date:
                raise UserError(
                    self.env._(
                        "Confirm the customer's satisfaction before signing off "
                        "%(ticket)s.",
                        ticket=ticket.display_name,
                    )
                )
            ticket.check_access("write")
        # sudo: after the caller was checked above (workflow transition)
        self.sudo()._cs_workflow_write(
            {
                "owner_signoff_date": fields.Datetime.now(),
                "owner_signoff_user_id": self.env.user.id,
            }
        )
        for ticket in self:
            ticket.message_post(
                body=self.env._("The first owner signed off the ticket."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _cs_confirm_satisfaction(self, method, note=False):
        """Record that the customer confirmed satisfaction (R4)."""
        self._cs_ensure_regulated()
        self.check_access("write")
        now = fields.Datetime.now()
        # sudo: after the caller was checked above (workflow transition)
        self.sudo()._cs_workflow_write(
            {
                "satisfaction_confirm_date": now,
                "satisfaction_confirm_user_id": self.env.user.id,
                "satisfaction_confirm_method": method,
                "satisfaction_note": note,
            }
        )
        self._cs_mark_event("resolved", now)
        method_label = dict(
            self._fields["satisfaction_confirm_method"]._description_selection(self.env)
        )[method]
        for ticket in self:
            body = escape(
                self.env._(
                    "Customer satisfaction confirmed (%(method)s).", method=method_label
                )
            )
            if note:
                body += Markup("<br/>") + escape(note)
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _cs_portal_confirm(self, user, stage):
        """The customer closed their ticket on the portal: that is their confirmation
        of satisfaction (method portal). The ticket closes when the first owner has
        signed off; otherwise the first owner is asked to. Called with sudo by the
        portal route after checking the user's access to the ticket.

        On a ticket of another team (not customer service) the customer's close
        moves it to the stage, as helpdesk_mgmt does."""
        self.ensure_one()
        if not self.cs_regulated:
            self.write({"stage_id": stage.id})
            return
        now = fields.Datetime.now()
        # sudo: after the caller was checked above (workflow transition)
        self.sudo()._cs_workflow_write(
            {
                "satisfaction_confirm_date": now,
                "satisfaction_confirm_user_id": user.id,
                "satisfaction_confirm_method": "portal",
                "satisfaction_note": self.env._(
                    "Closed by the customer on the portal (%(stage)s).",
                    stage=stage.name,
                ),
            }
        )
        self._cs_mark_event("resolved", now)
        self.message_post(
            body=self.env._("The customer confirmed their satisfaction on the portal."),
            author_id=user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        if self.owner_signoff_date:
            # sudo: after the caller was checked above (workflow transition)
            self.sudo()._cs_workflow_write({"stage_id": stage.id})
        elif self.first_owner_id:
            owner_env = self.with_context(lang=self.first_owner_id.lang).env
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.first_owner_id.id,
                # in the language of the agent who reads it, not the customer's
                summary=owner_env._(
                    "Customer confirmed on the portal: sign off to close"
                ),
            )

    def _cs_closed_stage(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages() if self.team_id else False
        if not stages:
            stages = self.env["helpdesk.ticket.stage"].search(
                [("team_ids", "=", False)]
            )
        closed = stages.filtered("closed")
        if not closed:
            raise UserError(self.env._("There is no closed stage for this ticket."))
        return closed[0]

    def _cs_open_stage(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages() if self.team_id else False
        if not stages:
            stages = self.env["helpdesk.ticket.stage"].search(
                [("team_ids", "=", False)]
            )
        return stages.filtered(lambda s: not s.closed)[:1]

    def _cs_force_close(self, reason, stage=None):
        self._cs_check_is_supervisor()
        self._cs_ensure_regulated()
        if not (reason or "").strip():
            raise UserError(self.env._("Force-closing needs a reason."))
        self.check_access("write")
        for ticket in self:
            # sudo: after the caller was checked above (workflow transition)
            ticket.sudo()._cs_workflow_write(
                {
                    "stage_id": (stage or ticket._cs_closed_stage()).id,
                    "force_closed": True,
                    "force_close_reason": reason,
                    "force_close_user_id": self.env.user.id,
                }
            )
            ticket.message_post(
                body=escape(
                    self.env._(
                        "Force-closed by a supervisor: %(reason)s", reason=reason
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _cs_reopen(self, reason):
        """The customer does not accept the outcome: start a new round (R5); the
        finished round is kept in the ticket's history."""
        if not (reason or "").strip():
            raise UserError(self.env._("Reopening needs the customer's reason."))
        self._cs_ensure_regulated()
        self.check_access("write")
        not_closed = self.filtered(lambda t: not t.stage_id.closed)
        if not_closed:
            raise UserError(
                self.env._(
                    "Only closed tickets can be reopened (%(tickets)s).",
                    tickets=", ".join(not_closed.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        # sudo: round history is written by the workflow only (read-only for users)
        self.env["cs.ticket.round"].sudo()._cs_workflow_create(
            [
                {
                    "ticket_id": t.id,
                    "round": t.round_number,
                    "start_date": t.round_start_date,
                    "closed_date": t.closed_date,
                    "stage_id": t.stage_id.id,
                    "satisfaction_confirm_date": t.satisfaction_confirm_date,
                    "satisfaction_confirm_user_id": t.satisfaction_confirm_user_id.id,
                    "satisfaction_confirm_method": t.satisfaction_confirm_method,
                    "satisfaction_note": t.satisfaction_note,
                    "owner_signoff_date": t.owner_signoff_date,
                    "owner_signoff_user_id": t.owner_signoff_user_id.id,
                    "force_close_reason": t.force_close_reason,
                    "reopen_date": now,
                    "reopen_user_id": self.env.user.id,
                    "reopen_reason": reason,
                }
                for t in self
            ]
        )
        for ticket in self:
            # sudo: after the caller was checked above (workflow transition)
            ticket.sudo()._cs_workflow_write(
                {
                    "stage_id": ticket._cs_open_stage().id,
                    "round_number": ticket.round_number + 1,
                    "round_start_date": now,
                    "satisfaction_confirm_date": False,
                    "satisfaction_confirm_user_id": False,
                    "satisfaction_confirm_method": False,
                    "satisfaction_note": False,
                    "owner_signoff_date": False,
                    "owner_signoff_user_id": False,
                    "force_closed": False,
                    "force_close_reason": False,
                    "force_close_user_id": False,
                    "first_reply_date": False,
                    "investigation_report_date": False,
                    "closed_date": False,
                }
            )
            ticket.message_post(
                body=escape(
                    self.env._(
                        "Reopened as round %(round)s: %(reason)s",
                        round=ticket.round_number,
                        reason=reason,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._cs_apply_policies()

    # ------------------------------------------------------------------ actions
    def action_cs_transfer(self):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_ticket_transfer_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_confirm_satisfaction(self):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_satisfaction_confirm_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_redesignate_owner(self):
        self._cs_ensure_can_open()
        self.ensure_one()
        self._cs_check_is_supervisor()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_owner_redesignate_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_force_close(self):
        self._cs_ensure_can_open()
        self.ensure_one()
        self._cs_check_is_supervisor()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_force_close_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_reopen(self):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_ticket_reopen_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def _cs_ensure_can_open(self):
        """Actions that only open back-office views or wizards: the caller reads
        the tickets and is a back-office user (not a portal customer)."""
        self.check_access("read")
        if self.env.user.share:
            raise AccessError(
                self.env._("Only back-office users can open this from a ticket.")
            )

    def action_open_duplicate_wizard(self):
        # helpdesk_mgmt's: over RPC a method runs on any id a client sends
        self._cs_ensure_can_open()
        return super().action_open_duplicate_wizard()

    def action_view_duplicates(self):
        self._cs_ensure_can_open()
        return super().action_view_duplicates()

    def action_view_transfers(self):
        self._cs_ensure_can_open()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_ticket_transfer_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------ helpers
    def _cs_transfer(self, to_user, to_team, reason):
        """Hand the ticket to another agent and/or team (协办)."""
        if not (reason or "").strip():
            raise UserError(self.env._("A transfer needs a reason."))
        if not to_user and not to_team:
            raise UserError(
                self.env._("Choose the agent or the team the ticket is handed to.")
            )
        if to_user and to_user.share:
            raise UserError(self.env._("A ticket can only be handed to an employee."))
        self.check_access("write")
        if to_team:
            self._cs_check_team_change(to_team)
        vals_by_ticket = defaultdict(dict)
        transfer_vals = []
        for ticket in self:
            vals = vals_by_ticket[ticket]
            if to_team:
                vals["team_id"] = to_team.id
            vals["user_id"] = to_user.id if to_user else False
            transfer_vals.append(
                {
                    "ticket_id": ticket.id,
                    "from_user_id": ticket.user_id.id,
                    "to_user_id": to_user.id if to_user else False,
                    "from_team_id": ticket.team_id.id,
                    "to_team_id": (to_team or ticket.team_id).id,
                    "reason": reason,
                }
            )
        for ticket, vals in vals_by_ticket.items():
            # sudo: after the caller was checked above (workflow transition)
            ticket.sudo()._cs_workflow_write(vals)
        transfers = self._cs_log_transfers(transfer_vals)
        for transfer in transfers:
            transfer.ticket_id.message_post(
                body=escape(
                    self.env._(
                        "Transferred to %(target)s: %(reason)s",
                        target=" / ".join(
                            n
                            for n in (
                                transfer.to_user_id.name,
                                transfer.to_team_id.name,
                            )
                            if n
                        ),
                        reason=reason,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
        return transfers

    def _cs_redesignate_owner(self, new_owner, reason):
        self._cs_check_is_supervisor()
        if not (reason or "").strip():
            raise UserError(
                self.env._("Re-designating the first owner needs a reason.")
            )
        if not new_owner or new_owner.share:
            raise UserError(self.env._("The first owner must be an employee."))
        self._cs_ensure_regulated()
        self.check_access("write")
        for ticket in self:
            old = ticket.first_owner_id
            # sudo: after the caller was checked above (workflow transition)
            ticket.sudo()._cs_workflow_write({"first_owner_id": new_owner.id})
            ticket.message_subscribe(partner_ids=new_owner.partner_id.ids)
            ticket.message_post(
                body=escape(
                    self.env._(
                        "First owner re-designated from %(old)s to %(new)s by "
                        "%(user)s: %(reason)s",
                        old=old.name or "-",
                        new=new_owner.name,
                        user=self.env.user.name,
                        reason=reason,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
