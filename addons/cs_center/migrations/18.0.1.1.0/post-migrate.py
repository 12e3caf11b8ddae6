# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Teams became customer-service teams explicitly (helpdesk.ticket.team.cs_regulated):
the teams whose tickets already follow the regulated workflow (they have deadlines or
a first owner) keep it after the update."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE helpdesk_ticket_team team SET cs_regulated = TRUE
         WHERE EXISTS (
            SELECT 1 FROM helpdesk_ticket t
             WHERE t.team_id = team.id
               AND (t.first_owner_id IS NOT NULL
                    OR EXISTS (SELECT 1 FROM cs_ticket_deadline d
                                WHERE d.ticket_id = t.id))
         )
        """
    )
    cr.execute(
        """
        UPDATE helpdesk_ticket t SET cs_regulated = team.cs_regulated
          FROM helpdesk_ticket_team team WHERE team.id = t.team_id
        """
    )
