from contextlib import contextmanager

from odoo.tests import new_test_user

from odoo.addons.cs_center.tests.common import CsCenterCommon


class CsArchiveCommon(CsCenterCommon):
    """cs_center's people plus two archive managers and an archive reader."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[(6, 0, cls.company.ids)],
            )

        cls.reader = user("cs_arch_reader", "cs_archive.group_cs_archive_reader")
        cls.arch_manager = user("cs_arch_mgr", "cs_archive.group_cs_archive_manager")
        cls.arch_manager2 = user("cs_arch_mgr2", "cs_archive.group_cs_archive_manager")
        cls.Entry = cls.env["cs.archive.entry"]
        cls.Report = cls.env["cs.archive.integrity.report"]

    @classmethod
    def _close(cls, ticket, user=None):
        """Close through the regulated path: confirmation, sign-off, stage."""
        user = user or ticket.first_owner_id
        ticket.with_user(user)._cs_confirm_satisfaction("phone", "Satisfied")
        ticket.with_user(user).action_owner_signoff()
        ticket.with_user(user).write({"stage_id": cls.stage_done.id})
        cls._run_archive_job()
        return cls._entry(ticket)

    @classmethod
    def _run_archive_job(cls):
        """What the cron worker does within seconds of a close (closing triggers
        the job): archive the closed tickets missing from the archive."""
        return cls.env["cs.archive.missing"]._cron_archive_missing()

    @classmethod
    def _entry(cls, ticket):
        return cls.Entry.search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)],
            order="source_round desc",
            limit=1,
        )

    @classmethod
    def _closed_complaint(cls, **kw):
        """A complaint of agent1 (first owner and handler), closed: (ticket, entry)."""
        vals = cls._ticket_vals(
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
            user_id=cls.agent1.id,
            **kw,
        )
        ticket = cls.Ticket.with_user(cls.agent1).create(vals)
        ticket.with_user(cls.agent1).stage_id = cls.stage_progress
        return ticket, cls._close(ticket, cls.agent1)

    def _check(self, company=None):
        return self.Report._cs_check_company(company or self.company)

    @contextmanager
    def _tamper(self):
        """What a database superuser can do: switch the guard off for a moment
        (inside the test transaction, rolled back with it)."""
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE cs_archive_entry DISABLE TRIGGER cs_archive_entry_guard"
        )
        try:
            yield cr
        finally:
            cr.execute(
                "ALTER TABLE cs_archive_entry ENABLE TRIGGER cs_archive_entry_guard"
            )
            self.env.invalidate_all()
