"""The public budget of labour-market policy: monthly costs and revenues, KZT.

Each month the model reports, in KZT per month for the whole population:

Spending
    ``benefits_kzt``               unemployment benefits paid;
    ``training_cost_kzt``          course costs, trainees x cost per trainee-month;
    ``training_stipends_kzt``      stipends paid to trainees;
    ``inclusion_kzt``              digital-inclusion courses and recognition procedures;
    ``relocation_subsidy_kzt``     relocation grants to unemployed movers;
    ``redeployment_subsidy_kzt``   the state's share of firms' retraining of redeployed
                                   workers (subsidy x cost per trainee-month x course months);
    ``automation_subsidy_kzt``     subsidies on technology spending (negative taxes).
Revenue
    ``payroll_tax_revenue_kzt``    payroll tax on the wage bill of formal jobs;
    ``automation_tax_revenue_kzt`` automation taxes on technology spending.

``public_spending_kzt`` and ``public_revenue_kzt`` are the sums, and
``net_public_cost_kzt`` their difference. Comparing two scenarios, the difference in
cumulative net cost over the difference in employment is the public cost per job
saved (:mod:`sim.compare`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import LabourMarketModel

SPENDING_COLUMNS = (
    "benefits_kzt",
    "training_cost_kzt",
    "training_stipends_kzt",
    "inclusion_kzt",
    "relocation_subsidy_kzt",
    "redeployment_subsidy_kzt",
    "automation_subsidy_kzt",
)
REVENUE_COLUMNS = ("payroll_tax_revenue_kzt", "automation_tax_revenue_kzt")
FISCAL_COLUMNS = (
    *SPENDING_COLUMNS,
    *REVENUE_COLUMNS,
    "public_spending_kzt",
    "public_revenue_kzt",
    "net_public_cost_kzt",
)


def fiscal_flows(
    model: LabourMarketModel, formal_wage_bill: float, trainees: float
) -> dict[str, float]:
    """This month's public costs and revenues (KZT per month, whole population).

    Parameters
    ----------
    model
        The model after the month's mechanisms ran (its ``flows`` are this month's).
    formal_wage_bill
        Wages of formal jobs this month, KZT per month, persons.
    trainees
        Workers in training at the end of the month, persons.
    """
    cfg, flows = model.cfg, model.flows
    weight = model.person_weight
    r = cfg.reskilling
    row = {
        "benefits_kzt": float(flows.get("benefits_kzt", 0.0)),
        "training_cost_kzt": trainees * r.cost_per_trainee_month,
        "training_stipends_kzt": trainees * r.stipend,
        "inclusion_kzt": weight
        * (
            flows.get("digital_courses", 0) * cfg.inclusion.course_cost
            + flows.get("recognitions", 0) * cfg.inclusion.recognition_cost
        ),
        "relocation_subsidy_kzt": float(flows.get("relocation_subsidy_kzt", 0.0)) * weight,
        "redeployment_subsidy_kzt": weight
        * flows.get("redeployed", 0)
        * r.redeployment_subsidy
        * r.cost_per_trainee_month
        * r.redeployment_training_months,
        "automation_subsidy_kzt": float(flows.get("automation_subsidy_kzt", 0.0)),
        "payroll_tax_revenue_kzt": cfg.automation.payroll_tax * formal_wage_bill,
        "automation_tax_revenue_kzt": float(flows.get("automation_tax_revenue_kzt", 0.0)),
    }
    row["public_spending_kzt"] = sum(row[c] for c in SPENDING_COLUMNS)
    row["public_revenue_kzt"] = sum(row[c] for c in REVENUE_COLUMNS)
    row["net_public_cost_kzt"] = row["public_spending_kzt"] - row["public_revenue_kzt"]
    return row
