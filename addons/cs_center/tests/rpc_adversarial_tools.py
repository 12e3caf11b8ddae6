# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers of the adversarial RPC suite (test_rpc_adversarial.py): the roles, the
context keys the code base reads, values that differ from a record's current ones,
the buttons a role is not shown, and the fixture factories of the workflow models."""

import base64
import datetime
import pathlib
import re

from lxml import etree

from odoo import Command, fields

ADDONS_ROOT = pathlib.Path(__file__).resolve().parents[2]

# role: (group slots, company, team). Each slot is a tuple of group xml ids of which
# the first installed one is given (groups moved between addons by the split of
# cs_center are looked up in their new addon first); a role none of whose groups is
# installed is skipped.
ROLES = {
    "agent": ((("cs_center.group_cs_agent",),), "main", "a"),
    "agent_other_team": ((("cs_center.group_cs_agent",),), "main", "b"),
    "supervisor": ((("cs_center.group_cs_supervisor",),), "main", "a"),
    "cs_manager": ((("cs_center.group_cs_manager",),), "main", None),
    "sales_dept_manager": (
        (
            (
                "cs_resolution.group_cs_sales_dept_manager",
                "cs_center.group_cs_sales_dept_manager",
            ),
        ),
        "main",
        None,
    ),
    "deputy_gm": (
        (("cs_resolution.group_cs_deputy_gm", "cs_center.group_cs_deputy_gm"),),
        "main",
        None,
    ),
    "gm": (
        (("cs_resolution.group_cs_gm", "cs_center.group_cs_gm"),),
        "main",
        None,
    ),
    "finance": (
        (
            (
                "cs_resolution.group_cs_finance",
                "cs_center.group_cs_finance",
                "account.group_account_invoice",
            ),
            ("account.group_account_invoice",),
        ),
        "main",
        None,
    ),
    "warehouse": (
        (
            (
                "cs_resolution.group_cs_warehouse",
                "cs_center.group_cs_warehouse",
                "stock.group_stock_user",
            ),
            ("stock.group_stock_user",),
        ),
        "main",
        None,
    ),
    "hr": ((("hr.group_hr_user",),), "main", None),
    "archive_reader": ((("cs_archive.group_cs_archive_reader",),), "main", None),
    "archive_manager": ((("cs_archive.group_cs_archive_manager",),), "main", None),
    "portal": ((("base.group_portal",),), "main", None),
    # the most powerful user of another company: only the company boundary stops them
    "other_company": (
        (
            ("cs_center.group_cs_manager",),
            ("cs_archive.group_cs_archive_manager",),
            ("hr.group_hr_user",),
            ("cs_resolution.group_cs_gm", "cs_center.group_cs_gm"),
        ),
        "other",
        None,
    ),
}

# who "could otherwise write" a model, most privileged first (first one with the
# model's write right gets every workflow field)
PRIVILEGE_ORDER = (
    "cs_manager",
    "archive_manager",
    "gm",
    "deputy_gm",
    "sales_dept_manager",
    "hr",
    "finance",
    "warehouse",
    "supervisor",
    "archive_reader",
    "agent",
)
# roles refused every action on every record
OUTSIDERS = ("portal", "other_company")
AGENTS = ("agent", "agent_other_team")
# actions an agent never runs (approval, disposal, publication, scoring)
AGENT_FORBIDDEN = re.compile(
    r"approv|validat|reject|refuse|dispos|publish|rescore|_compute|finance|"
    r"override|supersede|force|redesignate|sample|run_check"
)
NAVIGATION = re.compile(r"^action_(view|open|show|print)")

# context keys that shape the request itself (not guards): leaving them out keeps
# the attempts about the guard, not about a malformed request
STRUCTURAL_KEYS = re.compile(
    r"^(lang|tz|uid|allowed_company_ids|active_id|active_ids|active_model|"
    r"active_domain|params|search_default_.*|default_.*|bin_size)$"
)
# keys the guards trusted before the workflow layer (issue 9): still sent, so that a
# key that comes back is caught even if the scan below missed how it is read
HISTORICAL_KEYS = (
    "cs_archive_append",
    "cs_archive_check",
    "cs_archive_disposal_workflow",
    "cs_callback_internal",
    "cs_campaign_internal",
    "cs_force_close",
    "cs_improvement_internal",
    "cs_internal_write",
    "cs_offsite_write",
    "cs_period_internal",
    "cs_reopen",
    "cs_resolution_credit",
    "cs_resolution_write",
    "install_mode",
    "skip_validation_check",
)
_CONTEXT_PATTERNS = (
    re.compile(r"context\.get\(\s*['\"]([A-Za-z_][\w.]*)['\"]"),
    re.compile(r"context\[\s*['\"]([A-Za-z_][\w.]*)['\"]\s*\]"),
    re.compile(r"['\"]([A-Za-z_][\w.]*)['\"]\s+(?:not\s+)?in\s+[\w.]*context\b"),
)
_WITH_CONTEXT = re.compile(r"with_context\(([^()]*(?:\([^()]*\)[^()]*)*)\)", re.S)
_KWARG = re.compile(r"(?:^|[,(\s])([A-Za-z_]\w*)\s*=(?!=)")
_DICT_KEY = re.compile(r"['\"]([A-Za-z_][\w.]*)['\"]\s*:")


def scan_context_keys(root=ADDONS_ROOT):
    """Every context key the cs_* addons read or set, from their python sources
    (tests left out): the suite sends them all, each one set to True."""
    keys = set(HISTORICAL_KEYS)
    for path in sorted(root.glob("cs_*/**/*.py")):
        if "tests" in path.relative_to(root).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in _CONTEXT_PATTERNS:
            keys.update(pattern.findall(text))
        for args in _WITH_CONTEXT.findall(text):
            keys.update(_KWARG.findall(args))
            keys.update(_DICT_KEY.findall(args))
    return sorted(k for k in keys if not STRUCTURAL_KEYS.match(k))


def _text(env, field, current):
    return f"RPC {field.name} {current or ''}"[:60]


def _date(env, field, current):
    return "2001-02-03" if str(current) != "2001-02-03" else "2002-03-04"


def _datetime(env, field, current):
    first, second = "2001-02-03 04:05:06", "2002-03-04 05:06:07"
    return first if str(current) != first else second


def _selection(env, field, current):
    others = [k for k, _l in field._description_selection(env) if k != current]
    return others[-1] if others else None


def _many2one(env, field, current, spare=None):
    cur = current[0] if isinstance(current, (list, tuple)) else current or False
    if field.comodel_name not in env:
        return None
    other = env[field.comodel_name].sudo().with_context(active_test=False)
    rec = other.search([("id", "!=", cur)], limit=1, order="id desc")
    if not rec and spare:
        rec = spare(field.comodel_name)
    if rec and rec.id != cur:
        return rec.id
    return False if cur and not field.required else None


def _many2many(env, field, current):
    comodel = env[field.comodel_name].sudo().with_context(active_test=False)
    rec = comodel.search([("id", "not in", current or [])], limit=1)
    if rec:
        return [Command.set(rec.ids)]
    return [Command.clear()] if current else None


def _reference(env, field, current):
    partner = env["res.partner"].sudo().search([], limit=1, order="id desc")
    value = f"res.partner,{partner.id}"
    if value != current:
        return value
    return f"res.users,{env.ref('base.user_root').id}"


_OTHER_VALUE = {
    "char": _text,
    "text": _text,
    "html": _text,
    "integer": lambda env, field, current: (current or 0) + 7,
    "many2one_reference": lambda env, field, current: (current or 0) + 7,
    "float": lambda env, field, current: (current or 0.0) + 1234.5,
    "monetary": lambda env, field, current: (current or 0.0) + 1234.5,
    "boolean": lambda env, field, current: not current,
    "date": _date,
    "datetime": _datetime,
    "selection": _selection,
    "many2many": _many2many,
    "one2many": lambda env, field, current: (
        [Command.clear()] if current else [Command.create({})]
    ),
    "binary": lambda env, field, current: base64.b64encode(b"RPC").decode(),
    "reference": _reference,
    "json": lambda env, field, current: {"rpc": 1},
    "properties": lambda env, field, current: {"rpc": 1},
}


def other_value(env, field, current, spare=None):
    """A value of the field's type that differs from ``current`` (as read by
    ``read()``), in the form a client sends; ``None`` when there is none.
    ``spare(model)``: another record to point a many2one at."""
    if field.type == "many2one":
        return _many2one(env, field, current, spare)
    make = _OTHER_VALUE.get(field.type)
    return make(env, field, current) if make else None


def plain(value):
    """What the Python standard library's XML-RPC client can send."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # Command members are IntEnum
    if isinstance(value, datetime.datetime):
        return fields.Datetime.to_string(value)
    if isinstance(value, datetime.date):
        return fields.Date.to_string(value)
    return value


def snapshot_value(value):
    """read() values, comparable."""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], int):
        if len(value) == 2 and isinstance(value[1], str):
            return value[0]  # many2one (id, name)
        return sorted(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return fields.Datetime.to_string(value)
    return value


def button_groups(env, model):
    """{method: [groups attribute or "" per occurrence]} of the object buttons of
    the model's form and list views (inherited views included)."""
    views = (
        env["ir.ui.view"]
        .sudo()
        .search([("model", "=", model), ("type", "in", ("form", "list"))])
    )
    result = {}
    for view in views:
        try:
            arch = etree.fromstring(view.arch_db.encode())
        except (etree.XMLSyntaxError, ValueError):
            continue
        for node in arch.iter("button"):
            if node.get("type") != "object" or not node.get("name"):
                continue
            result.setdefault(node.get("name"), []).append(node.get("groups") or "")
    return result


def user_has_groups_spec(user, spec):
    """Odoo's groups attribute: comma-separated, any of; "!" negates."""
    spec = spec.strip()
    if not spec:
        return True
    for group in (g.strip() for g in spec.split(",")):
        if not group:
            continue
        negate = group.startswith("!")
        xmlid = group.lstrip("!")
        if user.env.ref(xmlid, raise_if_not_found=False) is None:
            continue
        has = user.has_group(xmlid)
        if has != negate:
            return True
    return False


# ---------------------------------------------------------------------- fixtures
def _first(records):
    return records[:1] if records else records


class FixtureFactory:
    """Builds one record per workflow model, as the product builds it where it can
    (the models' own methods, as the test's superuser), else from the model's
    required fields. ``build(model)`` returns ``(record, create_vals)``:
    ``create_vals`` is what a client would send to create such a record (no
    workflow-only field); ``None`` when the model cannot be built."""

    def __init__(self, case):
        self.case = case
        self.env = case.env
        self.cache = {}
        self.errors = {}

    # -------------------------------------------------------------- generic
    def _required_value(self, model, name, field, depth):
        if field.type == "many2one":
            comodel = field.comodel_name
            known = {
                "res.company": self.case.company,
                "res.partner": self.case.customer,
                "res.users": self.case.users.get("agent"),
                "helpdesk.ticket.team": self.case.team_a,
                "res.currency": self.case.company.currency_id,
            }
            if known.get(comodel):
                return known[comodel].id
            if comodel == "hr.employee":
                return self.case.employee.id
            if comodel in self.env and depth < 3:
                rec = self.get(comodel, depth + 1)
                if rec:
                    return rec.id
            if comodel in self.env:
                rec = self.env[comodel].sudo().search([], limit=1)
                return rec.id or None
            return None
        if field.type in ("char", "text", "html"):
            return f"RPC fixture {name}"
        if field.type == "selection":
            keys = [k for k, _l in field._description_selection(self.env)]
            return keys[0] if keys else None
        if field.type == "date":
            return fields.Date.to_string(fields.Date.today())
        if field.type == "datetime":
            return fields.Datetime.to_string(fields.Datetime.now())
        if field.type in ("integer", "float", "monetary"):
            return 1
        if field.type == "boolean":
            return True
        return None

    def generic_vals(self, model, depth=0):
        Model = self.env[model]
        defaults = Model.default_get(list(Model._fields))
        vals = {}
        for name, field in Model._fields.items():
            if not field.required or name in defaults or not field.store:
                continue
            if field.compute or field.related:
                continue
            value = self._required_value(model, name, field, depth)
            if value is None:
                return None
            vals[name] = value
        return vals

    def create_trusted(self, model, vals):
        """What the model's own action does once it checked the caller."""
        Model = self.env[model].sudo()
        if hasattr(Model, "_cs_workflow_create"):
            return Model._cs_workflow_create([vals])
        return Model.create([vals])

    def client_vals(self, model, vals):
        workflow = set(self.env[model]._cs_workflow_declaration()["workflow_fields"])
        return {
            k: fields.Datetime.to_string(v)
            if isinstance(v, (datetime.date, datetime.datetime))
            else v
            for k, v in vals.items()
            if k not in workflow
        }

    # -------------------------------------------------------------- entry point
    def get(self, model, depth=0):
        if model not in self.cache:
            self.cache[model] = None
            try:
                with self.env.cr.savepoint():
                    built = self.build(model, depth)
            except Exception as exc:  # noqa: BLE001 - reported by the test
                self.errors[model] = repr(exc)[:300]
                built = None
            self.cache[model] = built
        built = self.cache[model]
        return built[0] if built else None

    def spare(self, model):
        """A second record of ``model`` (a value to move a many2one to)."""
        key = ("spare", model)
        if key not in self.cache:
            self.cache[key] = None
            if model == "helpdesk.ticket":
                self.cache[key] = self.case.ticket_b
            elif model in self.env and model != "survey.user_input":
                try:
                    with self.env.cr.savepoint():
                        built = self.build(model, 2)
                    self.cache[key] = built and built[0]
                except Exception as exc:  # noqa: BLE001 - no spare: value untried
                    self.errors[key] = repr(exc)[:300]
        return self.cache[key]

    def create_vals(self, model):
        self.get(model)
        built = self.cache.get(model)
        return built[1] if built else None

    def build(self, model, depth=0):
        factory = getattr(self, "make_" + model.replace(".", "_"), None)
        if factory:
            built = factory()
            if built:
                return built
        vals = self.generic_vals(model, depth)
        if vals is None:
            return None
        record = self.create_trusted(model, vals)
        return record, self.client_vals(model, vals)

    # -------------------------------------------------------------- factories
    def make_helpdesk_ticket(self):
        vals = self.case.ticket_vals()
        return self.case.ticket, vals

    def make_cs_resolution(self):
        if not self.case.proposal:
            return None
        return self.case.proposal, self.case.proposal_vals

    def make_cs_resolution_line(self):
        proposal = self.case.proposal
        if not proposal or not proposal.line_ids:
            return None
        vals = {
            "resolution_id": proposal.id,
            "name": "Extra compensation",
            "quantity": 1.0,
            "price_unit": 10.0,
        }
        return proposal.line_ids[:1], vals

    def _ticket_child(self, model, field_name):
        ticket = self.case.ticket
        if field_name in ticket._fields and ticket[field_name]:
            record = ticket[field_name][:1]
            vals = self.generic_vals(model) or {}
            vals = {k: (ticket.id if k == "ticket_id" else v) for k, v in vals.items()}
            return record, self.client_vals(model, vals)
        return None

    def make_cs_ticket_deadline(self):
        return self._ticket_child("cs.ticket.deadline", "deadline_ids")

    def make_cs_ticket_round(self):
        return self._ticket_child("cs.ticket.round", "round_ids")

    def make_cs_ticket_transfer(self):
        return self._ticket_child("cs.ticket.transfer", "transfer_ids")

    def _with_ticket(self, model, **extra):
        vals = self.generic_vals(model)
        if vals is None:
            return None
        Model = self.env[model]
        if "ticket_id" in Model._fields:
            vals["ticket_id"] = self.case.ticket.id
        if "resolution_id" in Model._fields and self.case.proposal:
            vals["resolution_id"] = self.case.proposal.id
        if "partner_id" in Model._fields and Model._fields["partner_id"].required:
            vals["partner_id"] = self.case.customer.id
        if "user_id" in Model._fields and Model._fields["user_id"].comodel_name == (
            "res.users"
        ):
            vals.setdefault("user_id", self.case.users["agent"].id)
        vals.update(extra)
        record = self.create_trusted(model, vals)
        return record, self.client_vals(model, vals)

    def make_cs_responsibility(self):
        return self._with_ticket("cs.responsibility")

    def make_cs_complaint_review(self):
        return self._with_ticket("cs.complaint.review")

    def make_cs_offsite_request(self):
        return self._with_ticket("cs.offsite.request")

    def make_cs_callback(self):
        return self._with_ticket("cs.callback")

    def make_cs_survey_improvement(self):
        return self._with_ticket("cs.survey.improvement")

    def answer(self):
        """A customer's completed satisfaction answer about the ticket, with its
        score rows, as the survey front end leaves it."""
        if "done_answer" in self.cache:
            return self.cache["done_answer"]
        self.cache["done_answer"] = None
        ref = self.env.ref
        survey = ref("cs_survey.survey_cs_satisfaction", raise_if_not_found=False)
        overall = ref("cs_survey.survey_cs_q_overall", raise_if_not_found=False)
        level = ref("cs_survey.survey_cs_q_overall_satisfied", raise_if_not_found=False)
        if not (survey and overall and level):
            return None
        Input = self.env["survey.user_input"].sudo()
        vals = {"survey_id": survey.id, "partner_id": self.case.customer.id}
        if "cs_ticket_id" in Input._fields:
            vals["cs_ticket_id"] = self.case.ticket.id
        line = {
            "question_id": overall.id,
            "answer_type": "suggestion",
            "suggested_answer_id": level.id,
        }
        with self.env["cs.workflow.mixin"]._cs_workflow_step(
            "survey.user_input", "survey.user_input.line", "cs.survey.score"
        ):
            answer = Input.create(vals)
            answer.write(
                {"user_input_line_ids": [Command.create(line)], "state": "in_progress"}
            )
        answer._mark_done()
        self.cache["done_answer"] = (answer, vals)
        return self.cache["done_answer"]

    def make_survey_user_input(self):
        return self.answer()

    def make_cs_survey_score(self):
        built = self.answer()
        if not built:
            return None
        scores = (
            self.env["cs.survey.score"]
            .sudo()
            .search([("user_input_id", "=", built[0].id)], limit=1)
        )
        if not scores:
            return None
        vals = {
            "user_input_id": built[0].id,
            "dimension_id": scores.dimension_id.id,
        }
        return scores, vals

    def make_cs_appraisal_period(self):
        vals = {
            "company_id": self.case.company.id,
            "date_start": "2001-01-01",
        }
        record = self.create_trusted("cs.appraisal.period", vals)
        return record, self.client_vals("cs.appraisal.period", vals)

    def _period_line(self, model, **vals):
        period = self.get("cs.appraisal.period")
        if not period:
            return None
        vals["period_id"] = period.id
        base = self.generic_vals(model) or {}
        base.update(vals)
        record = self.create_trusted(model, base)
        return record, self.client_vals(model, base)

    def make_cs_appraisal_score(self):
        return self._period_line(
            "cs.appraisal.score", employee_id=self.case.employee.id
        )

    def make_cs_appraisal_team(self):
        return self._period_line("cs.appraisal.team", team_id=self.case.team_a.id)

    def make_cs_survey_campaign_line(self):
        campaign = self.get("cs.survey.campaign")
        if not campaign:
            return None
        vals = {"campaign_id": campaign.id, "partner_id": self.case.customer.id}
        base = self.generic_vals("cs.survey.campaign.line") or {}
        base.update(vals)
        record = self.create_trusted("cs.survey.campaign.line", base)
        return record, self.client_vals("cs.survey.campaign.line", base)

    def make_cs_call(self):
        """A hotline call stored as the PBX endpoint stores it (cs_contact)."""
        number = len(
            [k for k in self.cache if k == "cs.call" or k == ("spare", "cs.call")]
        )
        pbx = (
            self.env["cs.pbx"]
            .sudo()
            .create({"name": f"RPC PBX {number}", "company_id": self.case.company.id})
        )
        Call = self.env["cs.call"].sudo()
        at = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        events, errors = Call._cs_validate_events(
            [
                {"call_id": f"rpc-{number}", "event": "ringing", "at": at},
                {"call_id": f"rpc-{number}", "event": "answered", "at": at},
            ]
        )
        if errors:
            raise ValueError(errors)
        result = Call._cs_apply_events(pbx, events)
        return Call.browse(result[0]["id"]), {"note": "RPC fixture"}

    def make_cs_archive_entry(self):
        """The ticket's archive entry, written by the archive itself (a second
        call, for a spare entry, archives the other team's ticket)."""
        ticket = self.case.ticket_b if self.cache.get("cs.archive.entry") else None
        ticket = (ticket or self.case.ticket).sudo()
        Entry = self.env["cs.archive.entry"].sudo()
        if hasattr(ticket, "_cs_archive"):
            ticket._cs_archive()
        entry = Entry.search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)],
            limit=1,
        )
        if not entry:
            raise ValueError("the archive wrote no entry for the ticket")
        return entry, {
            "company_id": self.case.company.id,
            "res_model": "helpdesk.ticket",
            "res_id": ticket.id,
        }

    def _about_entry(self, model, **extra):
        entry = self.get("cs.archive.entry")
        vals = self.generic_vals(model)
        if vals is None:
            return None
        Model = self.env[model]
        if entry and "entry_id" in Model._fields:
            vals["entry_id"] = entry.id
        if entry and "entry_ids" in Model._fields:
            vals["entry_ids"] = [Command.set(entry.ids)]
        vals.update(extra)
        record = self.create_trusted(model, vals)
        return record, self.client_vals(model, vals)

    def make_cs_archive_disposal(self):
        return self._about_entry("cs.archive.disposal")

    def make_cs_archive_read_log(self):
        return self._about_entry("cs.archive.read.log")

    def make_cs_archive_integrity_report(self):
        return self._about_entry("cs.archive.integrity.report")
