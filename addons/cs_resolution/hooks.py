# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""cs_resolution was split out of cs_center (issue 9). On a database where
cs_center already held the resolution half, the records it defined (groups,
rules, access lines, views, menus, crons, the sequence, the tier definitions and
the models with their fields) change owner instead of being deleted by
cs_center's update and created again: groups keep their users, proposals keep
their tables.

Upgrade an existing database in ONE run, so that the records change owner before
cs_center's update cleans up what it no longer defines::

    odoo -d <db> -u cs_center -i cs_resolution --stop-after-init
"""

import logging
import pathlib
import re

_logger = logging.getLogger(__name__)

MODELS = (
    "cs.resolution",
    "cs.resolution.line",
    "cs.responsibility",
    "cs.complaint.review",
    "cs.offsite.request",
    "cs.resolution.notify.wizard",
    "cs.reconcile.override.wizard",
)
# fields cs_resolution adds to models of other addons
EXTENDED_FIELDS = {
    "helpdesk.ticket": (
        "cs_invoice_id",
        "cs_delivery_id",
        "resolution_ids",
        "resolution_count",
        "responsibility_ids",
        "offsite_request_ids",
        "cs_currency_id",
        "service_cost",
        "service_fee",
        "cs_move_ids",
        "cs_return_ids",
    ),
    "account.move": ("cs_resolution_id", "cs_ticket_id"),
    "stock.picking": ("cs_resolution_id", "cs_ticket_id"),
    "res.company": (
        "cs_credit_product_id",
        "cs_credit_account_id",
        "cs_service_product_id",
        "cs_review_day",
    ),
}


def _xml_names():
    """The xml ids this addon's data files define (records and access lines)."""
    root = pathlib.Path(__file__).parent
    names = set()
    for path in root.glob("*/*.xml"):
        names |= set(re.findall(r'<record[^>]*\bid="(\w+)"', path.read_text()))
        names |= set(re.findall(r'<menuitem[^>]*\bid="(\w+)"', path.read_text()))
    for path in root.glob("security/*.csv"):
        for line in path.read_text().splitlines()[1:]:
            if line.strip():
                names.add(line.split(",", 1)[0])
    return names


def pre_init_hook(env):
    cr = env.cr
    cr.execute("SELECT 1 FROM ir_model_data WHERE module = 'cs_center' LIMIT 1")
    if not cr.fetchone():
        return  # a new database: nothing to take over
    names = _xml_names()
    patterns = []
    for model in MODELS:
        key = model.replace(".", "_")
        names.add(f"model_{key}")
        patterns += [f"field_{key}__%", f"selection__{key}__%"]
    for model, fields_ in EXTENDED_FIELDS.items():
        key = model.replace(".", "_")
        names |= {f"field_{key}__{name}" for name in fields_}
    cr.execute(
        """
        UPDATE ir_model_data d
           SET module = 'cs_resolution'
         WHERE d.module = 'cs_center'
           AND (d.name = ANY(%s) OR d.name LIKE ANY(%s))
           AND NOT EXISTS (
                SELECT 1 FROM ir_model_data o
                 WHERE o.module = 'cs_resolution' AND o.name = d.name)
        """,
        [sorted(names), patterns],
    )
    moved = cr.rowcount
    cr.execute(
        """
        UPDATE ir_model_constraint c SET module = m.id
          FROM ir_module_module m, ir_model mo
         WHERE m.name = 'cs_resolution' AND mo.id = c.model
           AND mo.model = ANY(%s)
        """,
        [list(MODELS)],
    )
    cr.execute(
        """
        UPDATE ir_model_relation r SET module = m.id
          FROM ir_module_module m, ir_model mo
         WHERE m.name = 'cs_resolution' AND mo.id = r.model
           AND mo.model = ANY(%s)
        """,
        [list(MODELS)],
    )
    _logger.info("cs_resolution: %s records taken over from cs_center", moved)
