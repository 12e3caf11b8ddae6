from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

PARTNER_FIELDS = (
    "name",
    "ref",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "vat",
)

# an extension of helpdesk.ticket (the name repeated: two parents)
TICKET = "helpdesk.ticket"


class HelpdeskTicket(models.Model):
    """Closed tickets of customer-service (regulated) teams are archived, once per
    round (cs.archivable.mixin)."""

    _name = TICKET
    _inherit = [TICKET, "cs.archivable.mixin"]

    _cs_archive_template = "cs_archive.rendering_ticket"
    _cs_archive_reason = "closed"

    _cs_archive_missing_reason = "closed"

    def _cs_on_closed(self):
        """Closing does not archive in the closing transaction: the archive job
        does, triggered now (it runs within seconds in the cron worker). What
        guarantees that every closed ticket is archived is the job's selection,
        closed tickets whose round has no entry (``_cs_archive_missing_sql``), in
        the same database as the close: a ticket cannot be closed without being
        selected, and the job runs every hour besides. Appending to the hash chain
        locks the company's chain head: one job appending in batches instead of
        every closing agent waiting for the others (issue 13: the close path
        costs a trigger, not a snapshot)."""
        res = super()._cs_on_closed()
        regulated = self._cs_archive_regulated()
        if not regulated:
            return res
        cron = self.env.ref(
            "cs_archive.ir_cron_cs_archive_missing", raise_if_not_found=False
        )
        # sudo: scheduling the archive job is not the closer's right; the trigger
        # carries nothing of the ticket
        cron = cron and cron.sudo()
        if cron and cron.active:
            cron._trigger()
        else:
            # the job was switched off (or deleted): archive in the closing
            # transaction
            # sudo: the archive snapshots the whole ticket whatever the closer may
            # read; nothing of it is returned to the caller
            regulated.sudo()._cs_archive(reason="closed")
        return res

    def _cs_reopen(self, reason):
        """A closed round not yet archived by the job is archived before the
        ticket starts a new round (the job selects the current round only)."""
        # sudo: the archive snapshots the whole ticket whatever the caller may
        # read; nothing of it is returned to the caller
        self.filtered(lambda t: t.stage_id.closed).sudo()._cs_archive(reason="closed")
        return super()._cs_reopen(reason)

    # ------------------------------------------------------------------ archivable
    def _cs_archive_regulated(self):
        """Tickets the regulated rules apply to (customer-service teams); every
        ticket while the team flag does not exist."""
        if "cs_regulated" not in self._fields:
            return self
        return self.filtered("cs_regulated")

    def _cs_archivable(self):
        return self._cs_archive_regulated()

    def _cs_archive_round(self):
        self.ensure_one()
        return self.round_number

    def _cs_archive_entry_type_code(self):
        """Entry type of a ticket: its kind (complaint, consultation, ...)."""
        self.ensure_one()
        return self.request_kind or "consultation"

    def _cs_archive_item(self, payload):
        self.ensure_one()
        return {
            "partner": self.partner_id,
            "company": self.company_id,
            "first_owner": self.first_owner_id,
            "handler": self.user_id,
            "name": f"{self.number} {self.name}",
        }

    @api.model
    def _cs_archive_missing_sql(self):
        """Closed (regulated) tickets whose current round has no entry."""
        regulated = SQL("TRUE")
        if "cs_regulated" in self._fields:
            regulated = SQL("x.cs_regulated")
        return (
            SQL("helpdesk_ticket x JOIN helpdesk_ticket_stage s ON s.id = x.stage_id"),
            SQL(
                """
                s.closed AND %s AND NOT EXISTS (
                    SELECT 1 FROM cs_archive_entry e
                     WHERE e.res_model = 'helpdesk.ticket' AND e.res_id = x.id
                       AND e.source_round = x.round_number)
                """,
                regulated,
            ),
        )

    # ------------------------------------------------------------------ payload
    def _cs_archive_payloads(self, reason):
        """{ticket id: payload} for these tickets, with a bounded number of
        queries whatever their number (one per related model)."""
        messages = self._cs_archive_messages()
        attachments = self._cs_archive_attachments()
        # sudo reads below: self is already sudo (see callers)
        deadlines = defaultdict(list)
        for d in self.env["cs.ticket.deadline"].search(
            [("ticket_id", "in", self.ids)], order="ticket_id, round, due_date, id"
        ):
            deadlines[d.ticket_id.id].append(
                {
                    "round": d.round,
                    "target": d.target_type,
                    "policy": d.policy_id.display_name or None,
                    "start_date": self._cs_archive_dt(d.start_date),
                    "due_date": self._cs_archive_dt(d.due_date),
                    "met_date": self._cs_archive_dt(d.met_date),
                    "state": d.state,
                    "escalation_level": d.escalation_level,
                }
            )
        transfers = defaultdict(list)
        for tr in self.env["cs.ticket.transfer"].search(
            [("ticket_id", "in", self.ids)], order="date, id"
        ):
            transfers[tr.ticket_id.id].append(
                {
                    "date": self._cs_archive_dt(tr.date),
                    "by": self._cs_archive_ref(tr.user_id),
                    "from_user": self._cs_archive_ref(tr.from_user_id),
                    "to_user": self._cs_archive_ref(tr.to_user_id),
                    "from_team": self._cs_archive_ref(tr.from_team_id),
                    "to_team": self._cs_archive_ref(tr.to_team_id),
                    "reason": tr.reason,
                }
            )
        rounds = defaultdict(list)
        for rnd in self.env["cs.ticket.round"].search(
            [("ticket_id", "in", self.ids)], order="ticket_id, round"
        ):
            rounds[rnd.ticket_id.id].append(
                {
                    "round": rnd.round,
                    "start_date": self._cs_archive_dt(rnd.start_date),
                    "closed_date": self._cs_archive_dt(rnd.closed_date),
                    "satisfaction_confirm_date": self._cs_archive_dt(
                        rnd.satisfaction_confirm_date
                    ),
                    "satisfaction_note": rnd.satisfaction_note or None,
                    "reopen_date": self._cs_archive_dt(rnd.reopen_date),
                    "reopen_reason": rnd.reopen_reason,
                }
            )
        resolutions = self._cs_archive_resolutions()
        selection = {
            name: dict(self._fields[name]._description_selection(self.env))
            for name in (
                "request_kind",
                "service_type",
                "complaint_class",
                "complaint_subreason",
                "severity",
                "satisfaction_confirm_method",
            )
        }
        result = {}
        for ticket in self:
            ticket_deadlines = deadlines[ticket.id]
            current = [d for d in ticket_deadlines if d["round"] == ticket.round_number]
            payload = {
                "schema": "cs_archive.ticket/1",
                "archive_reason": reason,
                "ticket": {
                    "id": ticket.id,
                    "number": ticket.number,
                    "title": ticket.name,
                    "description": str(ticket.description or ""),
                    "kind": ticket.request_kind,
                    "kind_label": selection["request_kind"].get(ticket.request_kind),
                    "service_type": ticket.service_type or None,
                    "complaint_class": ticket.complaint_class or None,
                    "complaint_subreason": ticket.complaint_subreason or None,
                    "severity": ticket.severity or None,
                    "channel": self._cs_archive_ref(ticket.channel_id),
                    "category": self._cs_archive_ref(ticket.category_id),
                    "team": self._cs_archive_ref(ticket.team_id),
                    "stage": self._cs_archive_ref(ticket.stage_id),
                    "priority": ticket.priority,
                    "tags": [t.name for t in ticket.tag_ids],
                    "created": self._cs_archive_dt(ticket.create_date),
                    "accepted": self._cs_archive_dt(ticket.round_start_date),
                    "closed": self._cs_archive_dt(ticket.closed_date),
                    "round": ticket.round_number,
                },
                "customer": ticket._cs_archive_customer(),
                "request": {
                    "customer_request": ticket.customer_request or None,
                    "product": self._cs_archive_ref(ticket.register_product_id),
                    "product_code": ticket.register_product_id.default_code or None,
                    "product_spec": ticket.product_spec or None,
                    "purchase_date": fields.Date.to_string(ticket.purchase_date)
                    if ticket.purchase_date
                    else None,
                    "purchase_place": ticket.purchase_place or None,
                    "order_ref": ticket.order_ref or None,
                    "lot_ref": ticket.lot_ref or None,
                    "quantity_affected": ticket.quantity_affected,
                },
                "ownership": {
                    "first_owner": self._cs_archive_ref(ticket.first_owner_id),
                    "handler": self._cs_archive_ref(ticket.user_id),
                    "assistants": [
                        self._cs_archive_ref(u) for u in ticket.assist_user_ids
                    ],
                    "transfers": transfers[ticket.id],
                },
                "closing": {
                    "satisfaction_confirm_date": self._cs_archive_dt(
                        ticket.satisfaction_confirm_date
                    ),
                    "satisfaction_confirm_user": self._cs_archive_ref(
                        ticket.satisfaction_confirm_user_id
                    ),
                    "satisfaction_confirm_method": ticket.satisfaction_confirm_method
                    or None,
                    "satisfaction_note": ticket.satisfaction_note or None,
                    "owner_signoff_date": self._cs_archive_dt(
                        ticket.owner_signoff_date
                    ),
                    "owner_signoff_user": self._cs_archive_ref(
                        ticket.owner_signoff_user_id
                    ),
                    "force_closed": ticket.force_closed,
                    "force_close_reason": ticket.force_close_reason or None,
                    "force_close_user": self._cs_archive_ref(
                        ticket.force_close_user_id
                    ),
                    "investigation_report": str(ticket.investigation_report or "")
                    or None,
                    "investigation_report_date": self._cs_archive_dt(
                        ticket.investigation_report_date
                    ),
                    "first_reply_date": self._cs_archive_dt(ticket.first_reply_date),
                },
                "deadlines": {
                    "met": sum(1 for d in current if d["state"] == "met"),
                    "missed": sum(1 for d in current if d["state"] == "missed"),
                    "all": ticket_deadlines,
                },
                "previous_rounds": rounds[ticket.id],
                "messages": messages[ticket.id],
                "attachments": attachments[ticket.id],
            }
            if resolutions is not None:
                payload["resolutions"] = resolutions[ticket.id]
            result[ticket.id] = payload
        return result

    def _cs_archive_customer(self):
        """The customer as they were when the ticket closed."""
        self.ensure_one()
        partner = self.partner_id
        values = {
            "contact_name": self.partner_name or None,
            "contact_email": self.partner_email or None,
        }
        if partner:
            values.update(
                {f: partner[f] or None for f in PARTNER_FIELDS if f in partner._fields}
            )
            values.update(
                {
                    "id": partner.id,
                    "company": self._cs_archive_ref(partner.commercial_partner_id),
                    "state": partner.state_id.name or None,
                    "country": partner.country_id.code or None,
                }
            )
        return values

    def _cs_archive_messages(self):
        """Messages exchanged with the customer (not internal notes)."""
        result = defaultdict(list)
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", self.ids),
                ("message_type", "in", ("email", "comment", "email_outgoing")),
                ("subtype_id", "=", comment),
            ],
            order="res_id, date, id",
        )
        for msg in messages:
            result[msg.res_id].append(
                {
                    "id": msg.id,
                    "date": self._cs_archive_dt(msg.date),
                    "author": self._cs_archive_ref(msg.author_id),
                    "email_from": msg.email_from or None,
                    "type": msg.message_type,
                    "subject": msg.subject or None,
                    "body": str(msg.body or ""),
                    "attachments": [
                        {"name": a.name, "checksum": a.checksum}
                        for a in msg.attachment_ids
                    ],
                }
            )
        return result

    def _cs_archive_attachments(self):
        """Checksums of the ticket's attachments (files are not copied: the
        checksum proves later that a file is the one the customer sent)."""
        result = defaultdict(list)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "in", self.ids)],
            order="res_id, id",
        )
        for att in attachments:
            result[att.res_id].append(
                {
                    "id": att.id,
                    "name": att.name,
                    "mimetype": att.mimetype,
                    "size": att.file_size,
                    "checksum": att.checksum,
                }
            )
        return result

    def _cs_archive_resolutions(self):
        """Resolution proposals, their approvals, credit notes and returns, when
        cs_center provides ``cs.resolution`` (read defensively: any field)."""
        if "cs.resolution" not in self.env:
            return None
        Resolution = self.env["cs.resolution"]
        if "ticket_id" not in Resolution._fields:
            return None
        result = defaultdict(list)
        for res in Resolution.with_context(active_test=False).search(
            [("ticket_id", "in", self.ids)], order="id"
        ):
            result[res.ticket_id.id].append(self._cs_archive_generic(res))
        return result
