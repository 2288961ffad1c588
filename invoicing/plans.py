"""The NPEC schedules of apprenticeship dossiers kept per dossier (ContractPlan), so that "À facturer ce mois" (the
money view, the oGestion home) is one SQL sum instead of hundreds of schedules computed on each page.

    to_invoice_by(user, establishment_ids, until)   establishment id -> what it may invoice by `until`
    forget_plans(dossier_ids) / forget_all_plans()   an input changed: computed again when next read
    refresh_all_plans()                              the nightly task (what a bulk write did not announce)

A plan depends only on the contract terms in force (saved terms or the CERFA, accepted avenants, the rupture), the
NPEC referential, the certification's level and the payment rules: the signals below drop it when one of them is
saved or deleted (in the transaction, and again once it commits). `load_npec` forgets the plans of the codes it
loads. What the dossier's status and establishment are, and what was invoiced, is read live whenever the money
view computes its figures (invoicing.money keeps them under a version its triggers change).
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from common.prepared import PreparedQuery
from dossiers.models import SCHEDULED_DOSSIERS, SCHEDULED_DOSSIERS_WRITTEN, Dossier
from invoicing import schedule
from invoicing.models import COUNTED_STATUSES, ContractPlan, ContractTerms, NpecAmount, PaymentRule, regimes
from referentials.models import RncpCertification
from referentials.signals import rows_loaded

ZERO = Decimal("0.00")
REFRESH_BATCH = 2000

logger = logging.getLogger(__name__)

# Per dossier: what its schedule lets it invoice by the day given (instalments dated by then, the closing balance of a
# rupture included) less what it invoiced (invoices not rejected), never below zero nor above what is left on the
# whole contract: services.Billing.invoicable_today, summed per establishment.
TO_INVOICE_SQL = """
SELECT d.provider_establishment_id,
       COALESCE(SUM(GREATEST(0, LEAST(due.amount - invoiced.amount, p.total - invoiced.amount))), 0),
       COUNT(*) FILTER (WHERE p.dossier_id IS NULL)
FROM ({scope}) d
LEFT JOIN invoicing_contractplan p ON p.dossier_id = d.id
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(u.amount), 0) AS amount
    FROM unnest(p.invoicable_from, p.amounts) AS u(day, amount)
    WHERE cardinality(p.amounts) > 0 AND u.day <= %s
) due
CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(i.amount), 0) AS amount
    FROM invoicing_invoice i
    WHERE cardinality(p.amounts) > 0 AND i.dossier_id = p.dossier_id AND i.status = ANY(%s)
) invoiced
GROUP BY d.provider_establishment_id
"""


def invoiced_dossiers(user, establishment_ids):
    """The user's apprenticeship dossiers (oGestion scope) whose schedule may hold something to invoice. Each has a
    plan once read, an empty one when it has no schedule (no terms, no NPEC): what is missing is an anti-join, no
    more. The other schemes are invoiced by subrogation, never on an NPEC schedule (FACTURATION,
    invoicing.selectors), so they are not read at all (the partial index dossier_provider_scheduled)."""
    return Dossier.objects.for_provider_user(user, establishment_ids).filter(SCHEDULED_DOSSIERS_WRITTEN)


# The scope the plan sum reads, its SQL built once (common.prepared): the money view is on every référent's home.
_INVOICED_SCOPE = PreparedQuery(
    lambda user_id, establishment_ids: (
        invoiced_dossiers(user_id, establishment_ids).order_by().values("id", "provider_establishment_id")
    ),
    name="money view: scheduled dossiers",
)


def to_invoice_by(user, establishment_ids, until: datetime.date) -> dict:
    """Establishment id -> what its apprenticeship schedules let it invoice by `until` and it has not invoiced yet.
    One query once the plans are kept (eight when a dossier is read for the first time after a change)."""
    totals, missing = _sum_plans(user.pk, establishment_ids, until)
    if missing:  # dossiers read for the first time since a change: computed once, kept, then summed again
        scope = invoiced_dossiers(user, establishment_ids)
        store_plans(scope.filter(contract_plan__isnull=True).values_list("pk", flat=True))
        totals, _ = _sum_plans(user.pk, establishment_ids, until)
    return totals


def _sum_plans(user_id, establishment_ids, until) -> tuple[dict, int]:
    scope_sql, scope_params = _INVOICED_SCOPE.sql_with_params(user_id, establishment_ids)
    if not scope_sql:
        return {}, 0
    params = [*scope_params, until, [str(status) for status in COUNTED_STATUSES]]  # in the statement's order
    with connection.cursor() as cursor:
        cursor.execute(TO_INVOICE_SQL.format(scope=scope_sql), params)
        rows = cursor.fetchall()
    return {site: total for site, total, _ in rows}, sum(missing for _, _, missing in rows)


def store_plans(dossier_ids) -> int:
    """Compute and keep the schedules of these dossiers (replacing what was kept). Six queries per call."""
    plans = compute_plans(dossier_ids)
    ContractPlan.objects.bulk_create(
        plans,
        update_conflicts=True,
        unique_fields=["dossier"],
        update_fields=["certification_code", "invoicable_from", "amounts", "total", "computed_at"],
    )
    return len(plans)


def compute_plans(dossier_ids) -> list[ContractPlan]:
    """The schedules of these dossiers as FACTURATION computes them (services.billing_for), from data read in a
    constant number of queries: the dossiers with their terms, avenants and rupture, the certification levels, the
    NPEC amounts and the payment rules. An empty plan for a dossier without a schedule."""

    dossiers = list(
        Dossier.objects.filter(pk__in=list(dossier_ids))
        .select_related("contract_terms", "funding_request", "rupture")
        .prefetch_related("avenants")  # the contract in force (dossiers.contract) without a query per dossier
    )
    saved = {dossier.pk: getattr(dossier, "contract_terms", None) for dossier in dossiers}
    for terms in filter(None, saved.values()):
        terms.following_contract_changes()  # the rupture and accepted avenants declared online count here too
    codes = {_cerfa_code(dossier) for dossier in dossiers if saved[dossier.pk] is None} - {""}
    levels = dict(RncpCertification.objects.filter(code__in=codes).values_list("code", "level")) if codes else {}
    terms = {}
    for dossier in dossiers:
        found = saved[dossier.pk] or ContractTerms.from_cerfa(dossier, levels=levels)
        if found is not None:
            terms[dossier.pk] = found
    missing_npec = [t for t in terms.values() if t.annual_npec is None]
    npec = NpecAmount.objects.amounts_for((t.certification_code, t.idcc, t.concluded_on) for t in missing_npec)
    rules = regimes()
    plans = []
    for dossier in dossiers:
        found = terms.get(dossier.pk)
        plan = ContractPlan(dossier_id=dossier.pk, certification_code=found.certification_code if found else "")
        instalments = _instalments(found, npec, rules) if found is not None else ()
        plan.invoicable_from = [instalment.invoicable_from for instalment in instalments]
        plan.amounts = [instalment.amount for instalment in instalments]
        plan.total = sum(plan.amounts, ZERO)
        plans.append(plan)
    return plans


def _cerfa_code(dossier) -> str:
    request = getattr(dossier, "funding_request", None)  # a missing reverse one-to-one raises an AttributeError
    return str(((request.data if request else None) or {}).get("formation_code_rncp") or "").strip().upper()


def _instalments(terms: ContractTerms, npec: dict, rules) -> tuple:
    amount = npec.get((terms.certification_code, terms.idcc, terms.concluded_on)) or terms.annual_npec
    if amount is None:
        return ()  # no NPEC known: FACTURATION says so on the dossier
    contract = terms.contract(npec=amount)
    try:
        return schedule.compute_schedule(contract, schedule.regime_for(contract.concluded_on, rules)).instalments
    except schedule.ScheduleError:
        return ()


# Keeping them -------------------------------------------------------------------------------------------------------


def forget_plans(dossier_ids) -> None:
    """Drop the kept schedules of these dossiers now and once the transaction commits (a page that read the old
    inputs meanwhile may have stored them again)."""
    ids = [pk for pk in dossier_ids if pk is not None]
    if not ids:
        return

    def drop():
        ContractPlan.objects.filter(dossier_id__in=ids).delete()

    drop()
    transaction.on_commit(drop)


def forget_plans_of_certifications(codes) -> None:
    codes = [code for code in codes if code]
    if codes:
        ContractPlan.objects.filter(certification_code__in=codes).delete()
        transaction.on_commit(lambda: ContractPlan.objects.filter(certification_code__in=codes).delete())


def forget_all_plans() -> None:
    ContractPlan.objects.all().delete()
    transaction.on_commit(lambda: ContractPlan.objects.all().delete())


def refresh_all_plans() -> int:
    """Nightly: every schedule computed again (for what a bulk write changed without a signal),
    replaced batch by batch so that the pages keep reading plans meanwhile; the plans of dossiers no longer in an
    invoiced status (or no longer an apprenticeship) go."""
    ids = list(Dossier.objects.filter(SCHEDULED_DOSSIERS).values_list("pk", flat=True))
    stored, failed = 0, 0
    for start in range(0, len(ids), REFRESH_BATCH):
        try:
            with transaction.atomic():
                stored += store_plans(ids[start : start + REFRESH_BATCH])
        except Exception:  # one dossier's bad data: the other batches are still refreshed
            failed += 1
            logger.exception("Kept schedules: batch of dossiers %s.. not refreshed", ids[start])
    ContractPlan.objects.exclude(dossier__in=Dossier.objects.filter(SCHEDULED_DOSSIERS)).delete()
    if failed:  # the task shows as failed (and is logged) once the rest is done
        raise RuntimeError(f"{failed} batch(es) of kept schedules not refreshed (see the log)")
    return stored


def _forget_dossier(sender, instance, **kwargs):
    forget_plans([getattr(instance, "dossier_id", None), getattr(instance, "amended_dossier_id", None)])


def _forget_certification(sender, instance, **kwargs):
    forget_plans_of_certifications([getattr(instance, "certification_code", None) or getattr(instance, "code", None)])


def _forget_loaded_certifications(sender, keys, **kwargs):
    forget_plans_of_certifications(keys)  # an RNCP import writes in bulk: no post_save


def _forget_all(sender, instance, **kwargs):
    forget_all_plans()


def connect_signals() -> None:
    """From InvoicingConfig.ready. Models of apps beside or above invoicing are named, not imported."""
    for sender in (ContractTerms, "funding.FundingRequest", "funding.ContractRupture"):
        post_save.connect(_forget_dossier, sender=sender, dispatch_uid=f"plans-dossier-{sender}")
        post_delete.connect(_forget_dossier, sender=sender, dispatch_uid=f"plans-dossier-del-{sender}")
    for sender in (NpecAmount, RncpCertification):
        post_save.connect(_forget_certification, sender=sender, dispatch_uid=f"plans-code-{sender}")
        post_delete.connect(_forget_certification, sender=sender, dispatch_uid=f"plans-code-del-{sender}")
    rows_loaded.connect(_forget_loaded_certifications, sender=RncpCertification, dispatch_uid="plans-rncp")
    post_save.connect(_forget_all, sender=PaymentRule, dispatch_uid="plans-rules")
    post_delete.connect(_forget_all, sender=PaymentRule, dispatch_uid="plans-rules-del")
