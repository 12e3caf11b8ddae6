# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""zh_CN for terms of upstream addons that their own translations lack.

Model terms (field labels, selection values, view arches, stage names, mail templates)
are ordinary entries of ``i18n/zh_CN.po`` referencing the upstream records by XML id
(``model:ir.model.fields,field_description:helpdesk_mgmt.field_helpdesk_ticket__priority``):
Odoo's ``TranslationImporter`` resolves the XML id of any module, so they load when this
addon is installed or updated, or the language is (re)loaded, and they never overwrite a
translation the record already has.

Code terms (``_()`` in Python, ``_t`` and QWeb templates in JavaScript) are looked up by
Odoo 18 per *source module* (``code_translations``, read from that module's own
``i18n/`` and ``i18n_extra/`` po files only); an entry of another addon's po file is
ignored. ``code_translations.extend_module`` adds the code entries of our po file
marked ``#. module: <upstream module>`` to that module's code translations, as a
fallback: a term the upstream module translates itself keeps its own translation.
"""

from . import code_translations  # noqa: F401
