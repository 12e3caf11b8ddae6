from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    cs_survey_ids = fields.One2many(
        comodel_name="survey.user_input",
        inverse_name="cs_ticket_id",
        string="Satisfaction survey",
        readonly=True,
    )
    cs_survey_score = fields.Float(
        string="Satisfaction score", compute="_compute_cs_survey_score"
    )
    cs_survey_counted = fields.Integer(
        string="Counted answers", compute="_compute_cs_survey_score"
    )
    cs_survey_state = fields.Char(string="Survey", compute="_compute_cs_survey_score")
    cs_callback_ids = fields.One2many(
        comodel_name="cs.callback", inverse_name="ticket_id", string="Callbacks"
    )

    def _compute_cs_survey_score(self):
        # sudo: agents see the result of their ticket's survey, not the answers
        inputs = self.env["survey.user_input"].sudo()
        data = {
            i.cs_ticket_id.id: i
            for i in inputs.search([("cs_ticket_id", "in", self.ids)])
        }
        states = dict(inputs._fields["state"]._description_selection(self.env))
        for ticket in self:
            user_input = data.get(ticket.id)
            ticket.cs_survey_score = user_input.cs_score if user_input else 0.0
            ticket.cs_survey_counted = user_input.cs_counted_count if user_input else 0
            ticket.cs_survey_state = states.get(user_input.state) if user_input else ""

    def _cs_survey_regulated(self):
        """The tickets of customer-service teams: surveys and callbacks follow
        only these (a ticket is treated as regulated until the team flag exists)."""
        if "cs_regulated" not in self._fields:
            return self
        return self.filtered("cs_regulated")

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        partners = tickets._cs_survey_regulated().partner_id.commercial_partner_id
        if partners:
            # sudo: callbacks are planned by the workflow for the ticket's customer
            self.env["cs.callback"].sudo()._cs_plan_new_customers(partners.ids)
        return tickets

    def _cs_on_closed(self):
        res = super()._cs_on_closed()
        regulated = self._cs_survey_regulated()
        regulated._cs_send_satisfaction_survey()
        # sudo: callbacks are planned by the workflow after closing
        self.env["cs.callback"].sudo()._cs_plan_major_complaints(regulated)
        return res

    def _cs_survey_agents(self):
        """The agents who served the ticket: first owner, handler, assistants."""
        self.ensure_one()
        users = self.first_owner_id | self.user_id | self.assist_user_ids
        return users.filtered(lambda u: not u.share and u.id != 1)

    def _cs_send_satisfaction_survey(self):
        """One personal survey per closed ticket (per the sending rules), mailed to
        the customer and listed on their portal."""
        # sudo: the workflow creates the customer's answer (customers and agents
        # cannot create answers for someone else)
        Input = self.env["survey.user_input"].sudo()
        tickets = self.sudo()._cs_survey_regulated().filtered("partner_id")
        if not tickets:
            return Input
        done = set(Input.search([("cs_ticket_id", "in", tickets.ids)]).cs_ticket_id.ids)
        # sudo: sending rules are configuration, read for every closing user
        rules = (
            self.env["cs.survey.rule"]
            .sudo()
            .search([("company_id", "in", tickets.company_id.ids + [False])])
        )
        vals_list = []
        for ticket in tickets:
            if ticket.id in done:
                continue  # one survey per ticket, even after a reopened round
            survey = rules._survey_for(ticket)
            if not survey or not survey.active:
                continue
            vals_list.append(
                Input._cs_prepare_vals(
                    survey,
                    ticket.partner_id,
                    cs_sent_date=False,  # set when the sending job mails it
                    cs_ticket_id=ticket.id,
                    cs_company_id=ticket.company_id.id,
                    cs_rated_user_ids=[
                        fields.Command.set(ticket._cs_survey_agents().ids)
                    ],
                )
            )
        inputs = Input._cs_create_answers(vals_list)
        Input._cs_invitations_later(inputs)
        return inputs
