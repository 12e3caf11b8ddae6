from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

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
SKIP_GENERIC_FIELDS = {"binary", "properties", "properties_definition"}


def _ref(record):
    """A many2one reference frozen as id + name."""
    if not record:
        return None
    return {"id": record.id, "name": record.display_name}


def _dt(value):
    return fields.Datetime.to_string(value) if value else None


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _cs_on_closed(self):
        res = super()._cs_on_closed()
        # sudo: the archive snapshots the whole ticket whatever the closer may
        # read; nothing of it is returned to the caller
        self.sudo()._cs_archive(reason="closed")
        return res

    # ------------------------------------------------------------------ archiving
    @api.model
    def _cs_archive_entry_type_code(self, ticket):
        """Entry type of a ticket: its kind (complaint, consultation, ...)."""
        return ticket.request_kind or "consultation"

    def _cs_archive(self, reason="closed"):
        """Write the archive entries of these (closed) tickets, one per ticket
        and round; tickets already archived for their round are skipped."""
        if not self:
            return self.env["cs.archive.entry"]
        self.env.cr.execute(
            """
            SELECT res_id, source_round FROM cs_archive_entry
             WHERE res_model = 'helpdesk.ticket' AND res_id IN %s
            """,
            [tuple(self.ids)],
        )
        done = set(self.env.cr.fetchall())
        tickets = self.filtered(lambda t: (t.id, t.round_number) not in done)
        if not tickets:
            return self.env["cs.archive.entry"]
        payloads = tickets._cs_archive_payloads(reason)
        items = []
        for ticket in tickets:
            payload = payloads[ticket.id]
            items.append(
                {
                    "entry_type": self._cs_archive_entry_type_code(ticket),
                    "partner": ticket.partner_id,
                    "company": ticket.company_id,
                    "source": ticket,
                    "payload": payload,
                    "rendering_html": ticket._cs_archive_render(payload),
                    "source_round": ticket.round_number,
                    "first_owner": ticket.first_owner_id,
                    "handler": ticket.user_id,
                    "name": f"{ticket.number} {ticket.name}",
                }
            )
        return self.env["cs.archive.entry"]._archive_many(items)

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
                    "start_date": _dt(d.start_date),
                    "due_date": _dt(d.due_date),
                    "met_date": _dt(d.met_date),
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
                    "date": _dt(tr.date),
                    "by": _ref(tr.user_id),
                    "from_user": _ref(tr.from_user_id),
                    "to_user": _ref(tr.to_user_id),
                    "from_team": _ref(tr.from_team_id),
                    "to_team": _ref(tr.to_team_id),
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
                    "start_date": _dt(rnd.start_date),
                    "closed_date": _dt(rnd.closed_date),
                    "satisfaction_confirm_date": _dt(rnd.satisfaction_confirm_date),
                    "satisfaction_note": rnd.satisfaction_note or None,
                    "reopen_date": _dt(rnd.reopen_date),
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
                    "channel": _ref(ticket.channel_id),
                    "category": _ref(ticket.category_id),
                    "team": _ref(ticket.team_id),
                    "stage": _ref(ticket.stage_id),
                    "priority": ticket.priority,
                    "tags": [t.name for t in ticket.tag_ids],
                    "created": _dt(ticket.create_date),
                    "accepted": _dt(ticket.round_start_date),
                    "closed": _dt(ticket.closed_date),
                    "round": ticket.round_number,
                },
                "customer": ticket._cs_archive_customer(),
                "request": {
                    "customer_request": ticket.customer_request or None,
                    "product": _ref(ticket.register_product_id),
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
                    "first_owner": _ref(ticket.first_owner_id),
                    "handler": _ref(ticket.user_id),
                    "assistants": [_ref(u) for u in ticket.assist_user_ids],
                    "transfers": transfers[ticket.id],
                },
                "closing": {
                    "satisfaction_confirm_date": _dt(ticket.satisfaction_confirm_date),
                    "satisfaction_confirm_user": _ref(
                        ticket.satisfaction_confirm_user_id
                    ),
                    "satisfaction_confirm_method": ticket.satisfaction_confirm_method
                    or None,
                    "satisfaction_note": ticket.satisfaction_note or None,
                    "owner_signoff_date": _dt(ticket.owner_signoff_date),
                    "owner_signoff_user": _ref(ticket.owner_signoff_user_id),
                    "force_closed": ticket.force_closed,
                    "force_close_reason": ticket.force_close_reason or None,
                    "force_close_user": _ref(ticket.force_close_user_id),
                    "investigation_report": str(ticket.investigation_report or "")
                    or None,
                    "investigation_report_date": _dt(ticket.investigation_report_date),
                    "first_reply_date": _dt(ticket.first_reply_date),
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
                    "company": _ref(partner.commercial_partner_id),
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
                    "date": _dt(msg.date),
                    "author": _ref(msg.author_id),
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

    @api.model
    def _cs_archive_generic(self, record):
        """Every stored field of a record: scalars as they are, relations as
        references; credit notes (account.move) and returns (stock.picking)
        with their number, state and amount; tier reviews (approvals) when
        present."""
        values = {"id": record.id, "name": record.display_name}
        for name, field in record._fields.items():
            if (
                not (field.store or field.type == "one2many")
                or field.type in SKIP_GENERIC_FIELDS
                or name in models.MAGIC_COLUMNS
                or name in ("id", "display_name", "message_main_attachment_id")
                or name.startswith(("message_", "activity_", "website_message"))
            ):
                continue
            values[name] = self._cs_archive_value(field, record[name])
        if "review_ids" in record._fields:
            values["approvals"] = [
                {
                    "status": review.status,
                    "reviewers": [u.name for u in review.reviewer_ids],
                    "done_by": _ref(review.done_by),
                    "reviewed_date": _dt(review.reviewed_date),
                    "comment": review.comment or None,
                }
                for review in record.review_ids
            ]
        return values

    @api.model
    def _cs_archive_value(self, field, value):
        if isinstance(value, models.BaseModel):
            if field.type in ("one2many", "many2many"):
                return [self._cs_archive_reference(v) for v in value]
            return self._cs_archive_reference(value)
        if field.type == "datetime":
            return _dt(value)
        if field.type == "date":
            return fields.Date.to_string(value) if value else None
        if field.type in ("monetary", "float", "integer", "boolean"):
            return value
        if value is False or value is None:
            return None
        if isinstance(value, (str, int, float, list, dict)):
            return str(value) if field.type == "html" else value
        return str(value)

    @api.model
    def _cs_archive_reference(self, record):
        if not record:
            return None
        ref = _ref(record)
        if record._name == "account.move":
            ref.update(
                move_type=record.move_type,
                state=record.state,
                amount_total=record.amount_total,
                currency=record.currency_id.name,
            )
        elif record._name == "stock.picking":
            ref.update(
                state=record.state,
                date_done=_dt(record.date_done),
                origin=record.origin or None,
            )
        return ref

    # ------------------------------------------------------------------ rendering
    def _cs_archive_render(self, payload):
        """The readable version of a ticket's payload (labels in the language of
        the user who closed it). A Markup built from escaped values; the only
        HTML embedded as such (description, report, message bodies) was
        sanitised by the ORM when it was written."""
        self.ensure_one()
        t, c, r, o, cl = (
            payload["ticket"],
            payload["customer"],
            payload["request"],
            payload["ownership"],
            payload["closing"],
        )
        Entry = self.env["cs.archive.entry"]
        Deadline = self.env["cs.ticket.deadline"]

        def label(model, fname, value):
            return dict(model._fields[fname]._description_selection(self.env)).get(
                value, value
            )

        sections = [
            (
                self.env._("Request"),
                [
                    (self.env._("Number"), t["number"]),
                    (self.env._("Title"), t["title"]),
                    (self.env._("Kind"), t["kind_label"]),
                    (self.env._("Severity"), label(self, "severity", t["severity"])),
                    (
                        self.env._("Class"),
                        label(self, "complaint_class", t["complaint_class"]),
                    ),
                    (self.env._("Channel"), t["channel"]),
                    (self.env._("Team"), t["team"]),
                    (self.env._("Accepted on"), t["accepted"]),
                    (self.env._("Closed on"), t["closed"]),
                    (self.env._("Round"), t["round"]),
                    (self.env._("Description"), Markup(t["description"])),
                    (self.env._("Customer's request"), r["customer_request"]),
                ],
            ),
            (
                self.env._("Customer"),
                [
                    (self.env._("Name"), c.get("name") or c.get("contact_name")),
                    (self.env._("Company"), c.get("company")),
                    (self.env._("Email"), c.get("email") or c.get("contact_email")),
                    (self.env._("Phone"), c.get("phone")),
                    (self.env._("Mobile"), c.get("mobile")),
                    (
                        self.env._("Address"),
                        " ".join(
                            v
                            for v in (
                                c.get("street"),
                                c.get("street2"),
                                c.get("zip"),
                                c.get("city"),
                                c.get("state"),
                                c.get("country"),
                            )
                            if v
                        ),
                    ),
                ],
            ),
            (
                self.env._("Service register"),
                [
                    (self.env._("Product"), r["product"]),
                    (self.env._("Model / specification"), r["product_spec"]),
                    (self.env._("Purchase date"), r["purchase_date"]),
                    (self.env._("Purchase place"), r["purchase_place"]),
                    (self.env._("Order reference"), r["order_ref"]),
                    (self.env._("Lot / serial number"), r["lot_ref"]),
                    (self.env._("Quantity affected"), r["quantity_affected"]),
                ],
            ),
            (
                self.env._("Ownership"),
                [
                    (self.env._("First owner"), o["first_owner"]),
                    (self.env._("Handler"), o["handler"]),
                    (self.env._("Assisting agents"), o["assistants"]),
                ],
            ),
            (
                self.env._("Transfers"),
                {
                    "columns": [
                        self.env._("Date"),
                        self.env._("From"),
                        self.env._("To"),
                        self.env._("Reason"),
                    ],
                    "rows": [
                        [
                            tr["date"],
                            tr["from_user"] or tr["from_team"],
                            tr["to_user"] or tr["to_team"],
                            tr["reason"],
                        ]
                        for tr in o["transfers"]
                    ],
                },
            ),
            (
                self.env._("Deadlines"),
                {
                    "columns": [
                        self.env._("Round"),
                        self.env._("Target"),
                        self.env._("Due"),
                        self.env._("Met on"),
                        self.env._("State"),
                    ],
                    "rows": [
                        [
                            d["round"],
                            label(Deadline, "target_type", d["target"]),
                            d["due_date"],
                            d["met_date"],
                            label(Deadline, "state", d["state"]),
                        ]
                        for d in payload["deadlines"]["all"]
                    ],
                },
            ),
            (
                self.env._("Closing"),
                [
                    (
                        self.env._("Satisfaction confirmed on"),
                        cl["satisfaction_confirm_date"],
                    ),
                    (self.env._("Confirmed by"), cl["satisfaction_confirm_user"]),
                    (
                        self.env._("Confirmed through"),
                        cl["satisfaction_confirm_method"],
                    ),
                    (self.env._("Note"), cl["satisfaction_note"]),
                    (self.env._("Owner signed off on"), cl["owner_signoff_date"]),
                    (self.env._("Force-closed"), cl["force_closed"]),
                    (self.env._("Force-close reason"), cl["force_close_reason"]),
                ],
            ),
            (
                self.env._("Messages with the customer"),
                {
                    "columns": [
                        self.env._("Date"),
                        self.env._("Author"),
                        self.env._("Message"),
                        self.env._("Attachments"),
                    ],
                    "rows": [
                        [
                            m["date"],
                            m["author"] or m["email_from"],
                            Markup(m["body"]),
                            ", ".join(a["name"] for a in m["attachments"]),
                        ]
                        for m in payload["messages"]
                    ],
                },
            ),
            (
                self.env._("Attachments"),
                {
                    "columns": [
                        self.env._("Name"),
                        self.env._("Size"),
                        self.env._("SHA-1 checksum"),
                    ],
                    "rows": [
                        [a["name"], a["size"], a["checksum"]]
                        for a in payload["attachments"]
                    ],
                },
            ),
        ]
        if payload.get("resolutions"):
            sections.append(
                (
                    self.env._("Resolutions"),
                    [
                        (res["name"], Entry._cs_render_generic("", res))
                        for res in payload["resolutions"]
                    ],
                )
            )
        title = self.env._(
            "%(kind)s %(number)s", kind=t["kind_label"], number=t["number"]
        )
        return Entry._cs_render_sections(title, sections)
