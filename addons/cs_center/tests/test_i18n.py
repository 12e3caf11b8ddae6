import pathlib
from collections import defaultdict

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_zh_cn_covers_every_term_of_our_addons(self):
        """Every term Odoo would export for our addons (fields, selections, views,
        data, Python and JS messages) has a Simplified Chinese translation."""
        root = pathlib.Path(get_module_path("cs_center")).parent
        modules = [
            m.name
            for m in self.env["ir.module.module"].search([("state", "=", "installed")])
            if (root / m.name / "__manifest__.py").is_file()
        ]
        translated = {}
        for module in modules:
            po = polib.pofile(str(root / module / "i18n" / "zh_CN.po"))
            translated[module] = {e.msgid for e in po if e.msgstr and not e.obsolete}
        missing = defaultdict(set)
        reader = TranslationModuleReader(self.env.cr, modules=modules, lang="zh_CN")
        for module, _type, _name, _res_id, source, _value, _comments in reader:
            if module in translated and source not in translated[module]:
                missing[module].add(source)
        self.assertFalse(
            {m: sorted(terms)[:20] for m, terms in missing.items()},
            "terms without a zh_CN translation (first 20 per addon)",
        )

    def test_zh_cn_entries_list_every_record(self):
        """Odoo applies a .po entry of a field, view or data term only to the
        records its ``#:`` lines name: a msgid translated for one model's field
        stays English on another's (the approval dialog's "Company"/"Cancel")."""
        root = pathlib.Path(get_module_path("cs_center")).parent
        modules = [
            m.name
            for m in self.env["ir.module.module"].search([("state", "=", "installed")])
            if (root / m.name / "__manifest__.py").is_file()
        ]
        occurrences = {}
        for module in modules:
            po = polib.pofile(str(root / module / "i18n" / "zh_CN.po"))
            occurrences[module] = defaultdict(set)
            for entry in po:
                if entry.msgstr and not entry.obsolete:
                    for occurrence, _line in entry.occurrences:
                        occurrences[module][entry.msgid].add(occurrence)
        missing = defaultdict(set)
        reader = TranslationModuleReader(self.env.cr, modules=modules, lang="zh_CN")
        for module, kind, name, res_id, source, _value, _comments in reader:
            if kind == "code" or module not in occurrences:
                continue
            known = occurrences[module].get(source)
            if known is not None and f"{kind}:{name}:{res_id}" not in known:
                missing[module].add(f"{source!r} {kind}:{name}:{res_id}")
        self.assertFalse(
            {m: sorted(terms)[:20] for m, terms in missing.items()},
            "zh_CN entries that do not list these records (first 20 per addon)",
        )
