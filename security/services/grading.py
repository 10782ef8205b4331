"""Write services of MLPS grading and filing (等级保护定级备案; DOMAIN.md §3, GB/T 22240-2020, 公通字[2007]43号).

The levels are never typed: they follow from (object harmed × degree) through the table in ``security.grading``
with the government's setting for "citizens × especially serious". The workflow::

    draft --submit--> expert_review (level ≥ 2) or approval (level 1)
    expert_review --close review--> approval        (≥ 1 opinion of this round, none disagreeing)
    expert_review / rejected --revise--> draft
    approval --approve--> approval with approved_on (level 1: in force at once, no filing)
    approval --file--> filed                        (requires the approval; filing number, certificate date)
    approval --reject--> rejected
    filed --regrade--> draft                        (the filed level stays on the system until a new filing)

The dates follow one another and none lies ahead: graded_on ≤ approved_on ≤ filed_on and certificate_date, all
≤ today (a filing entered late keeps its real dates, but never ones before the grading they file).

Every step checks its action with ``gate.can`` (404 otherwise), refuses a wrong state with a message, is written
with optimistic locking, audited as a named event ("grading.submit", …) and refreshes the stored deadlines.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, gate
from core.choices import AuditAction
from core.files import attach
from core.imports import import_rows
from core.services import object_create, object_delete, object_update, require, snapshot, transition
from core.tree import ancestor_paths
from inventory.models import System

from .. import grading as table
from ..choices import GradingState, HarmDegree, HarmObject, Opinion
from ..models import ExpertOpinion, Grading, SecurityPolicy
from . import schedule

S = GradingState
BASIS_PREFIX = "GB/T 22240-2020:"  # the table line earlier versions stored in the rationale; removed on save
EDITABLE_STATES = (S.DRAFT, S.REJECTED)


class PolicyBook:
    """The nearest government's policy for many unit paths, from one query (``SecurityPolicy.for_path`` per row
    would cost a query each)."""

    def __init__(self):
        self.by_path = {p.unit.path: p for p in SecurityPolicy.objects.select_related("unit")}
        self.default = SecurityPolicy()

    def for_path(self, path: str) -> SecurityPolicy:
        for candidate in reversed([*ancestor_paths(path), path]):
            if candidate in self.by_path:
                return self.by_path[candidate]
        return self.default


# The levels ---------------------------------------------------------------------------------------------------------


def own_rationale(rationale: str) -> str:
    """The rationale as its author wrote it. The table cells used are not stored in it: the page and the report
    render them from the stored objects and degrees (in the reader's language, the report in Chinese); a line that
    earlier versions added (``BASIS_PREFIX``) is dropped."""
    kept = [text for text in (rationale or "").splitlines() if not text.startswith(BASIS_PREFIX)]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def uses_citizen_setting(grading: Grading) -> bool:
    """One harm is "citizens × especially serious", the cell each government sets (GB/T 22240-2020 table 2)."""
    cell = (HarmObject.CITIZEN, HarmDegree.ESPECIALLY_SERIOUS)
    return cell in {
        (grading.business_object, grading.business_degree),
        (grading.service_object, grading.service_degree),
    }


def compute(grading: Grading, policy: SecurityPolicy | None = None) -> Grading:
    """Set business_level, service_level and level from the table with the government's setting."""
    policy = policy or schedule.policy_for_system(grading.system)
    setting = policy.citizen_especially_serious_level
    try:
        result = table.grade(
            table.Harm(grading.business_object, grading.business_degree),
            table.Harm(grading.service_object, grading.service_degree),
            citizen_especially_serious=setting,
        )
    except ValueError:
        raise ValidationError(_("Choose the object harmed and the degree of harm for both kinds of harm.")) from None
    grading.business_level, grading.service_level, grading.level = (
        result.business_level,
        result.service_level,
        result.level,
    )
    grading.rationale = own_rationale(grading.rationale)
    return grading


# Records ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def grading_save(*, actor, grading: Grading, before: dict | None = None, expected_version=None) -> Grading:
    """Create (``before`` None) or change a grading. Only a draft or rejected grading changes; its system never."""
    if before is not None:
        if before.get("state") not in EDITABLE_STATES:
            raise ValidationError(_("A grading can be changed only while it is a draft or rejected."))
        if before.get("system") != grading.system_id:
            raise ValidationError({"system": _("The system of a grading cannot be changed.")})
    if grading.system_id is None:
        raise ValidationError({"system": _("This field is required.")})
    compute(grading)
    if before is None:
        return object_create(obj=grading, actor=actor)
    grading = object_update(obj=grading, actor=actor, before=before, expected_version=expected_version)
    return schedule.refresh_grading(grading, actor=actor)  # a rejected grading keeps its clock; its level may change


@transaction.atomic
def grading_delete(*, actor, grading: Grading) -> None:
    """A grading that never came into force may be deleted; a filed one is regraded instead (its record stays)."""
    if grading.filed_on or grading.state not in EDITABLE_STATES:
        raise ValidationError(_("Only a draft or rejected grading that was never filed can be deleted."))
    object_delete(obj=grading, actor=actor)


@transaction.atomic
def gradings_import(*, actor, rows: list[dict]) -> list[Grading]:
    """Draft gradings from validated rows (system already resolved within scope), levels computed per row."""
    systems = System.objects.select_related("owner_unit").in_bulk([row["system_id"] for row in rows])
    book = PolicyBook()

    def prepare(objects):
        for obj in objects:
            obj.system = systems[obj.system_id]
            compute(obj, book.for_path(obj.system.owner_unit.path))

    return import_rows(model=Grading, rows=rows, actor=actor, prepare=prepare)


# Workflow -----------------------------------------------------------------------------------------------------------


def refuse_unless(grading: Grading, *states) -> None:
    if grading.state not in states:
        raise ValidationError(
            _("This step is not possible while the grading is at “{state}”.").format(state=grading.get_state_display())
        )


def _move(grading: Grading, *, actor, event: str, expected_version=None, note: dict | None = None, **fields):
    """A step of the grading workflow (core.services.transition), then its deadlines follow."""
    transition(grading, actor=actor, event=event, expected_version=expected_version, note=note, **fields)
    schedule.refresh_grading(grading, actor=actor)
    return grading


def _today(day):
    return day or timezone.localdate()


@transaction.atomic
def grading_submit(*, actor, grading: Grading, today: dt.date | None = None, expected_version=None) -> Grading:
    """Grading done (初步定级): to expert review for level 2 and above, else straight to approval."""
    require(actor, "change", grading)
    refuse_unless(grading, S.DRAFT)
    review = grading.level >= 2
    return _move(
        grading,
        actor=actor,
        event="grading.submit",
        expected_version=expected_version,
        state=S.EXPERT_REVIEW if review else S.APPROVAL,
        graded_on=_today(today),
        review_round=grading.review_round + 1 if review else grading.review_round,
        rejection_reason="",
        approved_by_name="",
        approved_on=None,
    )


def may_give_opinion(user, grading: Grading) -> bool:
    """Experts review (action "review" on the grading) or the office records an opinion (add on expertopinion)."""
    return gate.can(user, "review", grading) or gate.can(user, "add", ExpertOpinion(grading=grading))


@transaction.atomic
def opinion_add(*, actor, grading: Grading, opinion: ExpertOpinion) -> ExpertOpinion:
    """One expert's opinion in the current review round (专家评审)."""
    if actor is not None and not may_give_opinion(actor, grading):
        raise Http404
    refuse_unless(grading, S.EXPERT_REVIEW)
    opinion.grading = grading
    opinion.review_round = grading.review_round
    if opinion.expert_id is None and actor is not None:
        opinion.expert = actor
    if not opinion.expert_name and actor is not None:
        opinion.expert_name = actor.full_name or actor.get_username()
    same = grading.opinions.filter(review_round=grading.review_round, expert_name=opinion.expert_name)
    if same.exists():
        raise ValidationError(
            {"expert_name": _("{name} has already given an opinion in this review.").format(name=opinion.expert_name)}
        )
    opinion.created_by = opinion.updated_by = actor
    opinion.full_clean()
    opinion.save()
    changes = {**snapshot(opinion), "level": grading.level}
    audit.record_object(action=AuditAction.CREATE, obj=opinion, actor=actor, changes=changes, event="grading.opinion")
    return opinion


def current_opinions(grading: Grading):
    return grading.opinions.filter(review_round=grading.review_round)


@transaction.atomic
def grading_close_review(*, actor, grading: Grading, expected_version=None) -> Grading:
    """Close the expert review: at least one opinion of this round, and none that disagrees."""
    require(actor, "change", grading)
    refuse_unless(grading, S.EXPERT_REVIEW)
    opinions = list(current_opinions(grading))
    if not opinions:
        raise ValidationError(_("Record at least one expert opinion before closing the review."))
    against = [o.expert_name for o in opinions if o.conclusion == Opinion.DISAGREE]
    if against:
        raise ValidationError(
            _("{names} disagreed with this grading. Revise it (back to draft) and submit it again.").format(
                names="、".join(against)
            )
        )
    return _move(
        grading, actor=actor, event="grading.close_review", expected_version=expected_version, state=S.APPROVAL
    )


def _set_system_level(grading: Grading) -> dict:
    """The filed level is shown on the system (inventory's System.mlps_level); changes the system's version."""
    system = grading.system
    old = system.mlps_level
    System.objects.filter(pk=system.pk).update(mlps_level=grading.level, version=F("version") + 1)
    system.mlps_level = grading.level
    return {"system.mlps_level": [old, grading.level]}


@transaction.atomic
def grading_approve(
    *, actor, grading: Grading, approved_by_name: str, approved_on: dt.date | None = None, expected_version=None
) -> Grading:
    """The supervising department's approval (主管部门核准). A level 1 grading needs no filing with the public
    security bureau (公通字[2007]43号 art. 15 applies from level 2), so its approval puts it in force."""
    require(actor, "approve", grading)
    refuse_unless(grading, S.APPROVAL)
    if grading.approved_on:
        raise ValidationError(_("The approval is already recorded."))
    approved_on = _today(approved_on)
    if not (approved_by_name or "").strip():
        raise ValidationError({"approved_by_name": _("Name the supervising department that approved the grading.")})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("The date cannot be in the future.")})
    if grading.graded_on and approved_on < grading.graded_on:
        raise ValidationError(
            {
                "approved_on": _("The approval cannot predate the grading (graded on {date}).").format(
                    date=grading.graded_on.isoformat()
                )
            }
        )
    fields = {"approved_by_name": approved_by_name.strip(), "approved_on": approved_on}
    note = {}
    if grading.level < 2:
        fields.update(state=S.FILED, filed_on=approved_on, needs_review=False, review_reason="")
        note = _set_system_level(grading)
    return _move(grading, actor=actor, event="grading.approve", expected_version=expected_version, note=note, **fields)


@transaction.atomic
def grading_file(
    *,
    actor,
    grading: Grading,
    filing_number: str,
    certificate_date: dt.date | None,
    filed_on: dt.date | None = None,
    certificate=None,
    expected_version=None,
) -> Grading:
    """Filed with the public security bureau (公安机关备案): the filing number and the certificate's date, and
    optionally the scanned certificate. The level is then shown on the system, and a pending review is cleared."""
    require(actor, "file", grading)
    refuse_unless(grading, S.APPROVAL)
    if not grading.approved_on:
        raise ValidationError(_("Record the supervising department's approval before the filing."))
    filed_on, today = _today(filed_on), timezone.localdate()
    approved = grading.approved_on.isoformat()
    errors = {}
    if not (filing_number or "").strip():
        errors["filing_number"] = _("Enter the filing number issued by the public security bureau.")
    if certificate_date is None:
        errors["certificate_date"] = _("Enter the date of the filing certificate.")
    elif certificate_date > today:
        errors["certificate_date"] = _("The date cannot be in the future.")
    elif certificate_date < grading.approved_on:
        errors["certificate_date"] = _("The certificate cannot predate the approval (approved on {date}).").format(
            date=approved
        )
    if filed_on > today:
        errors["filed_on"] = _("The date cannot be in the future.")
    elif filed_on < grading.approved_on:
        errors["filed_on"] = _("The filing cannot predate the approval (approved on {date}).").format(date=approved)
    if errors:
        raise ValidationError(errors)
    note = _set_system_level(grading)
    grading = _move(
        grading,
        actor=actor,
        event="grading.file",
        expected_version=expected_version,
        note=note,
        state=S.FILED,
        filing_number=filing_number.strip(),
        certificate_date=certificate_date,
        filed_on=filed_on,
        needs_review=False,
        review_reason="",
    )
    if certificate is not None:
        attach(certificate, owner=grading, actor=actor, kind="certificate")
    return grading


@transaction.atomic
def grading_reject(*, actor, grading: Grading, reason: str, expected_version=None) -> Grading:
    """The filing (or the approval) is refused: back to grading once revised."""
    require(actor, "file", grading)
    refuse_unless(grading, S.APPROVAL)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    return _move(
        grading,
        actor=actor,
        event="grading.reject",
        expected_version=expected_version,
        state=S.REJECTED,
        rejection_reason=reason.strip(),
    )


@transaction.atomic
def grading_revise(*, actor, grading: Grading, expected_version=None) -> Grading:
    """A rejected grading, or one an expert disagreed with, goes back to draft."""
    require(actor, "change", grading)
    refuse_unless(grading, S.REJECTED, S.EXPERT_REVIEW)
    return _move(
        grading,
        actor=actor,
        event="grading.revise",
        expected_version=expected_version,
        state=S.DRAFT,
        approved_by_name="",
        approved_on=None,
    )


@transaction.atomic
def grading_regrade(*, actor, grading: Grading, reason: str = "", expected_version=None) -> Grading:
    """Reopen a filed grading (the scope changed, or the level is doubted). The filing number, dates and the
    system's level stay as the record of the filing in force until the new grading is filed."""
    require(actor, "change", grading)
    refuse_unless(grading, S.FILED)
    return _move(
        grading,
        actor=actor,
        event="grading.regrade",
        expected_version=expected_version,
        note={"reason": reason.strip()} if reason and reason.strip() else None,
        state=S.DRAFT,
        graded_on=None,
        approved_by_name="",
        approved_on=None,
        rejection_reason="",
    )
