from . import cs_call_import_wizard
