from markupsafe import Markup, escape

from odoo import fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from .cs_resolution import RESOLUTION_TYPES, STATES


class CsResolution(models.Model):
    """Approval by amount (OCA base_tier_validation), customer decision and the
    proposal's other transitions. Every action checks the caller first
    (``_ensure_can_*``), then writes through the workflow layer's grant."""

    _inherit = "cs.resolution"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ checks
    def _ensure_is_agent(self):
        """CS agents (and above) run the proposal's actions on proposals they may
        write (record rules of their teams)."""
        if not self.env.user.has_group("cs_center.group_cs_agent"):
            raise AccessError(
                self.env._("Only customer-service users can change proposals.")
            )
        self.check_access("write")

    def _ensure_can_submit(self):
        self._ensure_is_agent()
        for rec in self:
            if rec.state != "draft":
                raise UserError(
                    self.env._(
                        "Only draft proposals can be submitted (%(name)s).",
                        name=rec.display_name,
                    )
                )
            rounding = rec.currency_id.rounding
            if rec.resolution_type == "not_justified":
                if not float_is_zero(rec.amount_total, precision_rounding=rounding):
                    raise ValidationError(
                        self.env._(
                            "A complaint judged not justified carries no "
                            "compensation: remove the lines of %(name)s.",
                            name=rec.display_name,
                        )
                    )
            elif float_compare(rec.amount_total, 0.0, precision_rounding=rounding) <= 0:
                raise ValidationError(
                    self.env._(
                        "The amount of %(name)s must be positive: add lines with a "
                        "quantity and a price.",
                        name=rec.display_name,
                    )
                )

    def _cs_recompute_amounts(self):
        """The tiers read amounts computed here, from the lines, whatever is
        stored (case 1 of issue 9: stored amounts are never taken on trust)."""
        for name in ("amount_total", "amount_company"):
            self.env.add_to_compute(self._fields[name], self)
        self.line_ids.invalidate_recordset(["subtotal"])
        self.env.add_to_compute(
            self.env["cs.resolution.line"]._fields["subtotal"], self.line_ids
        )
        self.env.flush_all()

    # ------------------------------------------------------------------ approval
    def action_submit(self):
        """Ask for approval: the tier definitions pick the reviewer by amount."""
        self._cs_recompute_amounts()
        self._ensure_can_submit()
        for rec in self:
            if not rec.need_validation:
                raise UserError(
                    self.env._(
                        "No approval tier applies to %(name)s (amount %(amount)s): "
                        "check the tier definitions.",
                        name=rec.display_name,
                        amount=rec.amount_company,
                    )
                )
            rec._cs_res_write({"state": "to_approve"})
            rec.request_validation()
        return True

    def request_validation(self):
        """Called by action_submit once the proposal is under approval; never a
        way in from a client (the amount checks come first)."""
        if self.filtered(lambda r: r.state != "to_approve" or r.review_ids):
            raise UserError(
                self.env._("Use 'Submit for approval' to ask for the approval.")
            )
        self._ensure_is_agent()
        # sudo + grant: the caller was checked; the reviews come from the tier
        # definitions, evaluated on the server-computed amount
        with self._cs_workflow_step("tier.review"):
            return (
                # sudo: inside the grant; the caller was checked
                super(CsResolution, self.sudo()).request_validation().with_env(self.env)
            )

    def _get_tier_validation_readonly_domain(self):
        return "state != 'draft'"

    def _cs_lock(self):
        """Serialise reviewers: the second one fails at once and retries."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM cs_resolution WHERE id IN %s FOR UPDATE NOWAIT",
                [tuple(self.ids)],
            )

    def validate_tier(self):
        self.ensure_one()
        self._cs_lock()
        self._ensure_can_review()
        return super().validate_tier()

    def reject_tier(self):
        self.ensure_one()
        self._cs_lock()
        self._ensure_can_review()
        return super().reject_tier()

    def _ensure_can_review(self):
        self.invalidate_recordset()
        self.review_ids.invalidate_recordset()
        if self.state != "to_approve" or not self.can_review:
            raise UserError(
                self.env._(
                    "You have no review to do on %(name)s (it is %(state)s, or the "
                    "review belongs to another approver).",
                    name=self.display_name,
                    state=dict(STATES)[self.state],
                )
            )

    def _validate_tier(self, tiers=False):
        # sudo + grant: only after _ensure_can_review; the OCA step still approves
        # only the reviews whose reviewers include the current user (sudo keeps
        # the uid)
        with self._cs_workflow_step("tier.review"):
            # sudo: see above
            res = super(CsResolution, self.sudo())._validate_tier(
                # sudo: see above
                tiers and tiers.sudo()
            )
        self._cs_after_review()
        return res

    def _rejected_tier(self, tiers=False):
        # sudo + grant: see _validate_tier
        with self._cs_workflow_step("tier.review"):
            # sudo: see _validate_tier
            res = super(CsResolution, self.sudo())._rejected_tier(
                # sudo: see _validate_tier
                tiers and tiers.sudo()
            )
        self._cs_after_review()
        return res

    def _update_counter(self, review_counter):
        # sudo: recomputes the review status of this proposal's reviews
        return super(CsResolution, self.sudo())._update_counter(review_counter)

    def _cs_after_review(self):
        for rec in self:
            rec.invalidate_recordset(["validation_status"])
            if rec.state != "to_approve":
                continue
            if rec.validation_status == "validated":
                # the approved amount is the server's, frozen from now on
                rec._cs_res_write(
                    {
                        "state": "approved",
                        "approved_amount": rec.amount_total,
                        "approved_date": fields.Datetime.now(),
                    }
                )
                rec._cs_on_approved()
            elif rec.validation_status == "rejected":
                rec._cs_res_write({"state": "rejected"})

    def restart_validation(self):
        """Back to draft from the approval (the requester changes the proposal)."""
        self._ensure_is_agent()
        bad = self.filtered(lambda r: r.state != "to_approve")
        if bad:
            raise UserError(
                self.env._(
                    "Only proposals under approval can be taken back (%(names)s).",
                    names=", ".join(bad.mapped("display_name")),
                )
            )
        # sudo + grant: the caller was checked above; restarting removes reviews
        with self._cs_workflow_step("tier.review"):
            # sudo: see above
            res = super(CsResolution, self.sudo()).restart_validation()
        self._cs_res_write({"state": "draft"})
        return res

    def _cs_on_approved(self):
        self._cs_refresh_reconciliation()
        for rec in self:
            ticket = rec.ticket_id.sudo()  # sudo: approvers may not see the ticket
            ticket.message_post(
                body=self.env._(
                    "Resolution %(name)s approved: %(type)s, %(amount)s %(currency)s.",
                    name=rec.name,
                    type=dict(RESOLUTION_TYPES)[rec.resolution_type],
                    amount=rec.approved_amount,
                    currency=rec.currency_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if rec.resolution_type == "not_justified":
                rec._cs_schedule_collection()

    def _cs_schedule_collection(self):
        """R16: receivables are collected on the normal terms."""
        self.ensure_one()
        invoice = self.invoice_id.sudo()  # sudo: read the salesperson of the invoice
        salesperson = (
            invoice.invoice_user_id
            or self.partner_id.sudo().user_id
            or self.ticket_id.user_id
        )
        deadline = invoice.invoice_date_due or fields.Date.context_today(self)
        # sudo: follow-up created by the approval, on a ticket the approver may not see
        self.ticket_id.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=max(deadline, fields.Date.context_today(self)),
            summary=self.env._("Collect the receivable"),
            note=self.env._(
                "Complaint judged not justified (%(name)s): collect the receivable "
                "on the normal terms.",
                name=self.name,
            ),
            user_id=(salesperson or self.env.user).id,
        )

    def _cs_log(self, body):
        # sudo: a note of the workflow on the proposal itself, after the action
        # checked the caller's rights (finance and approvers only read proposals)
        for rec in self:
            rec.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------ cancel
    def action_cancel(self):
        self._ensure_is_agent()
        bad = self.filtered(lambda r: r.state not in ("draft", "rejected"))
        if bad:
            raise UserError(
                self.env._(
                    "Only draft or rejected proposals can be cancelled (%(names)s).",
                    names=", ".join(bad.mapped("display_name")),
                )
            )
        # sudo + grant: reviews are workflow records of the proposal
        with self._cs_workflow_step("tier.review"):
            # sudo: see above
            self.sudo().review_ids.unlink()
        self._cs_res_write({"state": "cancel"})
        return True

    # ------------------------------------------------------------------ penalties
    def _ensure_can_reopen_responsibility(self, reason):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._(
                    "Only a CS manager can reopen the responsibility lines of an "
                    "approved proposal."
                )
            )
        self.check_access("read")
        for rec in self:
            if rec.state != "approved" or rec.responsibility_reopened:
                raise UserError(
                    self.env._(
                        "Only the responsibility lines of an approved proposal can be "
                        "reopened, once (%(name)s).",
                        name=rec.display_name,
                    )
                )
        if not (reason or "").strip():
            raise ValidationError(
                self.env._("Give the reason for reopening the responsibility lines.")
            )

    def action_reopen_responsibility(self):
        self.ensure_one()
        self._ensure_can_reopen_responsibility("-")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reopen the responsibility lines"),
            "res_model": "cs.responsibility.reopen.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_resolution_id": self.id},
        }

    def _cs_reopen_responsibility(self, reason):
        """A CS manager reopens the penalty lines of an approved proposal, with a
        reason logged in the chatter (cases 4 and 8 of issue 9)."""
        self._ensure_can_reopen_responsibility(reason)
        self._cs_res_write({"responsibility_reopened": True})
        self._cs_log(
            body=self.env._(
                "Responsibility lines reopened by %(user)s. Reason: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            )
        )
        return True

    def action_lock_responsibility(self):
        """Freeze the reopened penalty lines again (CS supervisor or manager)."""
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(
                self.env._("Only a CS supervisor or manager can do this.")
            )
        self.check_access("read")
        reopened = self.filtered("responsibility_reopened")
        reopened._cs_res_write({"responsibility_reopened": False})
        reopened._cs_log(
            body=self.env._(
                "Responsibility lines frozen again by %(user)s.",
                user=self.env.user.name,
            )
        )
        return True

    # ------------------------------------------------------------------ customer
    def action_notify_customer(self):
        self.ensure_one()
        self._cs_check_can_notify()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tell the customer"),
            "res_model": "cs.resolution.notify.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_resolution_id": self.id,
                "default_message": self.customer_message,
            },
        }

    def _cs_check_can_notify(self):
        self._ensure_is_agent()
        for rec in self:
            if rec.state != "approved":
                raise UserError(
                    self.env._(
                        "%(name)s is not approved: the customer cannot be told an "
                        "outcome before approval (R13).",
                        name=rec.display_name,
                    )
                )

    def _cs_notify_customer(self, method, message):
        """Tell the customer the approved outcome: only the message, never the
        internal form."""
        self._cs_check_can_notify()
        if not (message or "").strip():
            raise ValidationError(self.env._("Write the message told to the customer."))
        for rec in self:
            body = Markup("<p>%s</p>") % escape(message)
            if method == "email":
                rec.ticket_id.message_post(
                    body=body,
                    partner_ids=rec.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            else:
                rec.ticket_id.message_post(
                    body=Markup("<p>%s</p>%s")
                    % (
                        self.env._(
                            "Outcome told to the customer by %(method)s:",
                            method=method == "phone"
                            and self.env._("phone")
                            or self.env._("letter"),
                        ),
                        body,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            rec._cs_res_write(
                {
                    "notify_date": fields.Datetime.now(),
                    "notify_method": method,
                    "notify_user_id": self.env.uid,
                }
            )
            if not rec.customer_message:
                rec._cs_res_write({"customer_message": message})
        return True

    def action_customer_accepts(self):
        self._cs_check_customer_decision()
        self._cs_res_write({"customer_decision": "accepted"})
        return True

    def _cs_check_customer_decision(self):
        self._ensure_is_agent()
        for rec in self:
            if rec.state != "approved" or not rec.notify_date:
                raise UserError(
                    self.env._(
                        "Record the customer's answer after telling them the approved "
                        "outcome (%(name)s).",
                        name=rec.display_name,
                    )
                )

    def action_supersede(self):
        """The customer rejected the outcome (R5): a new draft proposal keeps the
        earlier one linked; the earlier one becomes read-only history."""
        self.ensure_one()
        self._ensure_is_agent()
        if self.state not in ("approved", "rejected"):
            raise UserError(
                self.env._(
                    "Only an approved or rejected proposal can be superseded "
                    "(%(name)s).",
                    name=self.display_name,
                )
            )
        if self.credit_note_state not in (
            "none",
            "cancel",
        ) or self.return_state not in (
            "none",
            "cancel",
        ):
            raise UserError(
                self.env._(
                    "%(name)s already has a credit note or a return: cancel them "
                    "first.",
                    name=self.display_name,
                )
            )
        with self._cs_workflow_step():
            new = self.copy({"name": "/"})
        new._cs_res_write({"previous_id": self.id})
        vals = {"state": "superseded"}
        if self.state == "approved":
            vals["customer_decision"] = "rejected"
        self._cs_res_write(vals)
        self._cs_refresh_reconciliation()
        self._cs_log(body=self.env._("Superseded by %(name)s.", name=new.name))
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.resolution",
            "res_id": new.id,
            "view_mode": "form",
        }
