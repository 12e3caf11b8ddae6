from . import models


def post_init_hook(env):
    """Archive what was answered or recorded before this bridge was installed
    (demo data, or cs_archive installed after cs_survey)."""
    env["survey.user_input"]._cs_archive_backfill()
    env["cs.callback"]._cs_archive_backfill()
