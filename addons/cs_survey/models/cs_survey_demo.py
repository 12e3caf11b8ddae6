from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .survey_user_input import cs_answer_step

# (overall, agent matrix level, business level, day of the month, hour UTC)
DEMO_ANSWERS = [
    ("very_satisfied", "very_satisfied", "very_satisfied", 3, 2),
    ("satisfied", "satisfied", "satisfied", 6, 5),
    ("very_satisfied", "satisfied", "very_satisfied", 9, 7),
    ("satisfied", "very_satisfied", "dont_know", 12, 3),
    ("neutral", "average", "neutral", 15, 6),
    ("dissatisfied", "poor", "dissatisfied", 18, 8),
    ("dont_know", None, "dont_know", 21, 4),
    ("very_satisfied", "very_satisfied", "satisfied", 24, 9),
]


# Chinese names for the demo (customers of the campaign, subjects of closed tickets)
DEMO_CUSTOMERS = (
    "苏州新区百货有限公司",
    "南京金陵酒店管理有限公司",
    "无锡惠山家电商行",
    "宁波港城贸易有限公司",
    "张伟",
    "王秀英",
    "李娜",
    "刘洋",
    "杨静",
    "黄磊",
    "赵丽",
    "周强",
    "吴敏",
    "徐婷",
    "孙涛",
    "胡军",
    "朱琳",
    "高峰",
    "林芳",
    "何平",
)
DEMO_SUBJECTS = (
    "净水器滤芯年度更换",
    "电水壶加热后自动断电失灵",
    "保温杯杯盖密封圈老化",
    "咖啡机合同保养",
    "搅拌机噪音过大",
    "电饭煲内胆涂层脱落",
    "微波炉门无法关紧",
    "空气炸锅显示屏不亮",
)


class CsSurveyDemo(models.AbstractModel):
    """Demo data that needs the workflow (closing tickets sends the surveys)."""

    _name = "cs.survey.demo"
    _description = "Customer service satisfaction demo data"

    @api.model
    def _create_demo_data(self):
        ref = self.env.ref
        agents = [ref(f"cs_center.demo_user_agent{i}") for i in (1, 2, 3, 4)]
        supervisor = ref("cs_center.demo_user_supervisor")
        people = agents + [supervisor]
        employees = self.env["hr.employee"].search(
            [("user_id", "in", [u.id for u in people])]
        )
        missing = [u for u in people if u not in employees.user_id]
        self.env["hr.employee"].create(
            [
                {"name": u.name, "user_id": u.id, "company_id": u.company_id.id}
                for u in missing
            ]
        )
        customers = [
            ref("cs_center.demo_customer_chen"),
            ref("cs_center.demo_customer_liu"),
            ref("cs_center.demo_customer_huamei"),
        ]
        customers[2].cs_segment = "key"
        for customer in customers[:2]:
            customer.cs_segment = "regular"
        # more active customers, for the campaign to sample from
        self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "email": f"demo.customer{i + 1}@example.com",
                    "lang": "zh_CN",
                    "cs_segment": "key" if i < 4 else "regular",
                }
                for i, name in enumerate(DEMO_CUSTOMERS)
            ]
        )
        teams = [ref("cs_center.demo_team_hotline"), ref("cs_center.demo_team_field")]
        last_month = fields.Date.today().replace(day=1) - relativedelta(months=1)
        stage_done = ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        tickets = self.env["helpdesk.ticket"]
        for i, (_o, _a, _b, day, hour) in enumerate(DEMO_ANSWERS):
            agent = agents[i % 4]
            accepted = datetime.combine(last_month, time(hour)) + timedelta(
                days=day - 3
            )
            # sudo: demo data loaded at installation, as the workflow would
            tickets |= (
                self.env["helpdesk.ticket"]
                .with_context(install_mode=True)
                # sudo: demo data loaded at installation
                .sudo()
                .create(
                    {
                        "name": DEMO_SUBJECTS[i % len(DEMO_SUBJECTS)],
                        "description": "<p>满意度调查演示工单</p>",
                        "team_id": teams[0 if i % 4 < 2 else 1].id,
                        "user_id": agent.id,
                        "first_owner_id": agent.id,
                        "partner_id": customers[i % 3].id,
                        "request_kind": "service" if i in (0, 3) else "complaint",
                        "complaint_class": False if i in (0, 3) else "quality",
                        "severity": False if i in (0, 3) else "general",
                        "service_type": "contract" if i in (0, 3) else False,
                        "round_start_date": accepted,
                    }
                )
            )
        for i, ticket in enumerate(tickets):
            _o, _a, _b, day, hour = DEMO_ANSWERS[i]
            closed = datetime.combine(last_month, time(hour)) + timedelta(days=day - 1)
            ticket._cs_internal_write(
                {
                    "satisfaction_confirm_date": closed,
                    "satisfaction_confirm_user_id": ticket.user_id.id,
                    "satisfaction_confirm_method": "phone",
                    "owner_signoff_date": closed,
                    "owner_signoff_user_id": ticket.user_id.id,
                }
            )
            ticket._cs_internal_write({"stage_id": stage_done.id})
            ticket._cs_internal_write({"closed_date": closed})
            # the regulated deadlines were met on time, except for the late visit
            # sudo: demo data; deadlines are read-only for users
            for deadline in ticket.sudo().deadline_ids:
                late = i == 5 and deadline.target_type == "closure"
                deadline.met_date = (
                    deadline.due_date + timedelta(hours=1)
                    if late
                    else min(closed, deadline.due_date - timedelta(minutes=30))
                )
        # accepted last month (the ORM sets the creation date to now)
        tickets.flush_recordset()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = round_start_date WHERE id IN %s",
            [tuple(tickets.ids)],
        )
        tickets.invalidate_recordset(["create_date"])
        self._answer_demo_surveys(tickets, last_month)
        # callbacks and a sampled campaign
        Callback = self.env["cs.callback"]
        Callback._cron_plan_callbacks()
        # sudo: demo data loaded at installation
        campaign = (
            self.env["cs.survey.campaign"]
            .sudo()
            .create(
                {
                    "name": "年度客户满意度调查",
                    "survey_id": ref("cs_survey.survey_cs_satisfaction").id,
                    "date": fields.Date.today(),
                    "send_email": False,
                }
            )
        )
        campaign.action_sample()
        # the published month
        period = self.env["cs.appraisal.period"]._cs_get_or_create("month", last_month)
        period = period.action_compute()
        period.action_publish()
        return True

    def _answer_demo_surveys(self, tickets, month):
        # demo answers dated in the past: written as the survey flow would, inside
        # the answers' workflow grant (module data is loaded with it anyway)
        with cs_answer_step(self.env):
            return self._answer_demo_surveys_granted(tickets, month)

    def _answer_demo_surveys_granted(self, tickets, month):
        question = {
            code: self.env.ref(f"cs_survey.survey_cs_q_{code}")
            for code in ("overall", "agent", "business", "suggestion")
        }

        def level(prefix, code):
            return self.env.ref(f"cs_survey.survey_cs_q_{prefix}_{code}").id

        def row(prefix, code):
            return self.env.ref(f"cs_survey.survey_cs_q_{prefix}_row_{code}").id

        for ticket, (overall, agent, business, day, hour) in zip(
            tickets, DEMO_ANSWERS, strict=True
        ):
            user_input = ticket.cs_survey_ids
            if not user_input:
                continue
            lines = [
                {
                    "question_id": question["overall"].id,
                    "answer_type": "suggestion",
                    "suggested_answer_id": level("overall", overall),
                }
            ]
            if agent:
                lines += [
                    {
                        "question_id": question["agent"].id,
                        "answer_type": "suggestion",
                        "matrix_row_id": row("agent", r),
                        "suggested_answer_id": level("agent", agent),
                    }
                    for r in ("attitude", "skill", "timeliness", "promise")
                ]
            lines += [
                {
                    "question_id": question["business"].id,
                    "answer_type": "suggestion",
                    "matrix_row_id": row("business", r),
                    "suggested_answer_id": level("business", business),
                }
                for r in ("product_quality", "service_quality", "price", "delivery")
            ]
            if overall == "dissatisfied":
                lines.append(
                    {
                        "question_id": question["suggestion"].id,
                        "answer_type": "text_box",
                        "value_text_box": "维修人员晚到了两天",
                    }
                )
            user_input.write(
                {
                    "user_input_line_ids": [(0, 0, vals) for vals in lines],
                    "state": "in_progress",
                }
            )
            user_input._mark_done()
            answered = datetime.combine(month, time(hour)) + timedelta(days=day)
            user_input.write({"end_datetime": answered, "start_datetime": answered})
        tickets.cs_survey_ids._cs_score()
