# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One workflow layer for every model of the customer-service centre.

A model declares its workflow with class-level knobs (in the spirit of OCA
``base_tier_validation``) and gets one guard on ``create``/``write``/``unlink``:

``_cs_state_field``
    the selection field that holds the workflow state (``None``: no state).
``_cs_workflow_fields``
    fields only the model's own actions set. Besides these, every stored computed
    field that is not ``readonly=False``, every stored ``readonly=True`` field and the
    state field are workflow-only: a client never writes them, at create or later.
``_cs_client_fields``
    exceptions to the rule above (a read-only field the UI sends on purpose).
``_cs_editable_fields``
    ``{state: (field, ...)}``: in the states listed, only these fields are writable
    (``"__all__"`` for every non-workflow field). States not listed: every
    non-workflow field.
``_cs_frozen_states``
    states in which nothing is writable nor deletable by a client.
``_cs_unlink_states``
    states in which a client may delete (``None``: any non-frozen state; ``()``:
    never, e.g. history).
``_cs_no_client_create``
    only the model's actions create records (history, logs, score rows).
``_cs_parent_field``
    for child records (lines): the many2one to the parent whose state governs; a
    child of a frozen parent is frozen, and the parent's ``_cs_editable_fields``
    entry for the child's one2many decides whether lines may change.

The only way through is :meth:`_cs_workflow_write` / :meth:`_cs_workflow_create` /
:meth:`_cs_workflow_unlink` (or the :meth:`_cs_workflow_step` context manager),
called by the model's own actions **after** they checked the caller (``can_*``
computes for the views, ``_ensure_can_*`` in the actions, as OCA ``rma`` does).
The grant lives on the database cursor of the call, for the models named, for the
duration of the ``with`` block: nothing a client can send (no context key, no field,
no sudo from a controller) reaches it. The superuser gets no pass either; module data
loaded while the registry is being built (install/update) is the one other path.
"""

from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.models import MAGIC_COLUMNS

_GRANTS = "cs_workflow_grants"


class CsWorkflowMixin(models.AbstractModel):
    _name = "cs.workflow.mixin"
    _description = "Customer-service workflow guard"

    _cs_state_field = None
    _cs_workflow_fields = ()
    _cs_client_fields = ()
    _cs_editable_fields = {}
    _cs_frozen_states = ()
    _cs_unlink_states = None
    _cs_no_client_create = False
    _cs_parent_field = None

    # ------------------------------------------------------------------ declaration
    @api.model
    def _cs_workflow_only_fields(self):
        """Fields a client may never write: declared, state, stored computes and
        stored read-only fields (read-only is not only a UI hint)."""
        names = set(self._cs_workflow_fields)
        if self._cs_state_field:
            names.add(self._cs_state_field)
        for name, field in self._fields.items():
            if name in MAGIC_COLUMNS or not field.store:
                continue
            if field.compute and field.readonly:
                names.add(name)
            elif field.readonly:
                names.add(name)
        return names - set(self._cs_client_fields) - {"id", "display_name"}

    @api.model
    def _cs_workflow_declaration(self):
        """The declaration as data: read by the adversarial RPC suite, so a new field
        or state is covered without editing the test."""
        state_field = self._cs_state_field
        states = []
        if state_field:
            states = [
                key
                for key, _label in self._fields[state_field]._description_selection(
                    self.env
                )
            ]
        return {
            "model": self._name,
            "state_field": state_field,
            "states": states,
            "workflow_fields": sorted(self._cs_workflow_only_fields()),
            "frozen_states": list(self._cs_frozen_states),
            "unlink_states": None
            if self._cs_unlink_states is None
            else list(self._cs_unlink_states),
            "no_client_create": self._cs_no_client_create,
            "parent_field": self._cs_parent_field,
        }

    # ------------------------------------------------------------------ grants
    def _cs_granted(self):
        if not self.env.registry.ready:
            return True  # module data (XML/CSV/demo functions) loaded at install/update
        return bool(self.env.cr.cache.get(_GRANTS, {}).get(self._name))

    @contextmanager
    def _cs_workflow_step(self, *model_names):
        """Open the guard of this model (and of ``model_names``) inside the block. Only
        for the model's own actions, after they checked the caller."""
        grants = self.env.cr.cache.setdefault(_GRANTS, {})
        names = (self._name, *model_names)
        for name in names:
            grants[name] = grants.get(name, 0) + 1
        try:
            yield self
        finally:
            for name in names:
                grants[name] -= 1

    def _cs_workflow_write(self, vals):
        with self._cs_workflow_step():
            return self.write(vals)

    @api.model
    def _cs_workflow_create(self, vals_list):
        with self._cs_workflow_step():
            return self.create(vals_list)

    def _cs_workflow_unlink(self):
        with self._cs_workflow_step():
            return self.unlink()

    # ------------------------------------------------------------------ state
    def _cs_state_of(self):
        """{record: state} where the state governs: own state, else the parent's."""
        if self._cs_state_field:
            return {rec: rec[self._cs_state_field] for rec in self}
        if self._cs_parent_field:
            return {
                rec: rec[self._cs_parent_field]
                ._cs_state_of()
                .get(rec[self._cs_parent_field])
                for rec in self
            }
        return dict.fromkeys(self, None)

    def _cs_frozen_states_all(self):
        if self._cs_state_field or not self._cs_parent_field:
            return set(self._cs_frozen_states)
        parent = self.env[self._fields[self._cs_parent_field].comodel_name]
        return set(self._cs_frozen_states) | set(
            getattr(parent, "_cs_frozen_states", ())
        )

    def _cs_refuse(self, message):
        raise AccessError(message)

    def _cs_state_label(self, state):
        if not state:
            return "-"
        owner = self
        if not self._cs_state_field and self._cs_parent_field:
            owner = self.env[self._fields[self._cs_parent_field].comodel_name]
        field = owner._fields.get(owner._cs_state_field or "")
        if field is None:
            return state
        return dict(field._description_selection(self.env)).get(state, state)

    def _cs_check_parent(self, parent_ids, action):
        """A child may be added/changed/removed only where the parent allows it."""
        if not self._cs_parent_field or not parent_ids:
            return
        field = self._fields[self._cs_parent_field]
        parents = self.env[field.comodel_name].browse(parent_ids).exists()
        check = getattr(parents, "_cs_check_child", None)
        if check:
            check(self._name, action)

    def _cs_check_child(self, child_model, action):
        """Called on parents when one of their lines changes: refused in frozen states
        and in states whose editable fields do not list the lines' one2many."""
        if self._cs_granted():
            return
        o2m = [
            n
            for n, f in self._fields.items()
            if f.type == "one2many" and f.comodel_name == child_model
        ]
        for rec, state in self._cs_state_of().items():
            if state in self._cs_frozen_states:
                self._cs_refuse(
                    self.env._(
                        "%(record)s is %(state)s: its lines cannot be changed.",
                        record=rec.display_name,
                        state=rec._cs_state_label(state),
                    )
                )
            editable = self._cs_editable_fields.get(state)
            if (
                editable is not None
                and editable != "__all__"
                and not set(o2m) & set(editable)
            ):
                self._cs_refuse(
                    self.env._(
                        "%(record)s is %(state)s: its lines cannot be changed.",
                        record=rec.display_name,
                        state=rec._cs_state_label(state),
                    )
                )

    # ------------------------------------------------------------------ guard
    def _cs_check_vals(self, vals, creating=False):
        names = set(vals)
        if creating:
            # Odoo's create adds the context's default_<field> values after this
            # check (the mixin's create drops them; an override that checks here and
            # then runs the chain inside a grant gets them refused)
            names |= {
                key[len("default_") :]
                for key in self.env.context
                if key.startswith("default_")
            }
        forbidden = sorted(names & self._cs_workflow_only_fields())
        if forbidden:
            self._cs_refuse(
                self.env._(
                    "%(model)s: %(fields)s can only be set by the workflow's own "
                    "actions.",
                    model=self._description,
                    fields=", ".join(self._fields[f].string for f in forbidden),
                )
            )

    def _cs_check_write(self, vals):
        if self._cs_granted():
            return
        self._cs_check_vals(vals)
        frozen = self._cs_frozen_states_all()
        for rec, state in self._cs_state_of().items():
            if state in frozen:
                self._cs_refuse(
                    self.env._(
                        "%(record)s is %(state)s and can no longer be changed.",
                        record=rec.display_name,
                        state=rec._cs_state_label(state),
                    )
                )
            editable = self._cs_editable_fields.get(state)
            if editable is not None and editable != "__all__":
                extra = sorted(set(vals) - set(editable))
                if extra:
                    self._cs_refuse(
                        self.env._(
                            "%(record)s is %(state)s: %(fields)s cannot be changed in "
                            "this state.",
                            record=rec.display_name,
                            state=rec._cs_state_label(state),
                            fields=", ".join(
                                self._fields[f].string
                                for f in extra
                                if f in self._fields
                            ),
                        )
                    )
        if self._cs_parent_field:
            parent_ids = set(self.mapped(f"{self._cs_parent_field}.id"))
            if vals.get(self._cs_parent_field):
                parent_ids.add(vals[self._cs_parent_field])
            self._cs_check_parent(list(parent_ids), "write")

    def _cs_without_workflow_defaults(self):
        """A client's context may carry ``default_<field>`` keys, which Odoo's create
        adds to the values after our check: drop those of workflow-only fields."""
        context = self.env.context
        workflow = self._cs_workflow_only_fields()
        dropped = [
            key
            for key in context
            if key.startswith("default_") and key[len("default_") :] in workflow
        ]
        if not dropped:
            return self
        return self.with_env(
            self.env(context={k: v for k, v in context.items() if k not in dropped})
        )

    @api.model_create_multi
    def create(self, vals_list):
        records = self
        if not self._cs_granted():
            # go on below this class with the context cleaned (not from the top of
            # the chain again: overrides above would run twice)
            records = self._cs_without_workflow_defaults()
            if self._cs_no_client_create:
                self._cs_refuse(
                    self.env._(
                        "%(model)s records are created by the workflow only.",
                        model=self._description,
                    )
                )
            for vals in vals_list:
                records._cs_check_vals(vals, creating=True)
            if self._cs_parent_field:
                self._cs_check_parent(
                    [
                        v[self._cs_parent_field]
                        for v in vals_list
                        if v.get(self._cs_parent_field)
                    ],
                    "create",
                )
        return super(CsWorkflowMixin, records).create(vals_list)

    def write(self, vals):
        self._cs_check_write(vals)
        return super().write(vals)

    def unlink(self):
        if not self._cs_granted():
            allowed = self._cs_unlink_states
            frozen = self._cs_frozen_states_all()
            for rec, state in self._cs_state_of().items():
                if state in frozen or (allowed is not None and state not in allowed):
                    self._cs_refuse(
                        self.env._(
                            "%(record)s cannot be deleted (%(state)s).",
                            record=rec.display_name,
                            state=rec._cs_state_label(state),
                        )
                    )
            if self._cs_parent_field:
                self._cs_check_parent(
                    self.mapped(f"{self._cs_parent_field}.id"), "unlink"
                )
        return super().unlink()
