"""The closed loop of a problem case (交办 → 整改 → 核查 → 销号), as a pure state machine.

States and moves follow GB/T 30428 数字化城市管理 as cities run it: 上报 → 立案 (or 不予立案 /
作废) → 派遣 (the deadline clock starts) → 整改中 → 整改反馈 → 核查 → 结案 (销号). A failed check
sends the case back to 整改中 and is counted as 返工. A case can be 挂账 (parked) with a reason and
later resumed where it was. Every move names who may make it; a refused move says why in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

REPORTED = "上报"
REGISTERED = "立案"
DECLINED = "不予立案"
VOID = "作废"
DISPATCHED = "已派遣"
IN_PROGRESS = "整改中"
FEEDBACK = "整改反馈"
CLOSED = "结案"
PARKED = "挂账"
STATES = (REPORTED, REGISTERED, DECLINED, VOID, DISPATCHED, IN_PROGRESS, FEEDBACK, CLOSED, PARKED)
FINAL_STATES = (DECLINED, VOID, CLOSED)

LEADER = "领导"
INSPECTOR = "督查受理"
UNIT = "责任单位"
# 三权分立 (GB/T 22239-2019): the three administrators are separate people and do no casework.
ADMIN = "系统管理员"  # accounts, settings, data maintenance
SECURITY = "安全管理员"  # roles, unlocks, forced sign-out
AUDITOR = "审计管理员"  # reads the audit log, nothing else
BUSINESS_ROLES = (LEADER, INSPECTOR, UNIT)
ADMIN_ROLES = (ADMIN, SECURITY, AUDITOR)
ROLES = BUSINESS_ROLES + ADMIN_ROLES


@dataclass(frozen=True)
class Move:
    action: str
    title_zh: str
    sources: tuple[str, ...]
    target: str | None  # None: back to the state before parking
    roles: tuple[str, ...]
    needs_note: bool = False


MOVES: dict[str, Move] = {
    m.action: m
    for m in (
        Move("register", "立案", (REPORTED,), REGISTERED, (INSPECTOR,)),
        Move("decline", "不予立案", (REPORTED,), DECLINED, (INSPECTOR,), needs_note=True),
        Move("void", "作废", (REPORTED, REGISTERED), VOID, (INSPECTOR,), needs_note=True),
        Move("dispatch", "派遣", (REGISTERED,), DISPATCHED, (INSPECTOR,)),
        Move("start", "开始整改", (DISPATCHED,), IN_PROGRESS, (UNIT, INSPECTOR)),
        Move("report_fix", "整改反馈", (IN_PROGRESS,), FEEDBACK, (UNIT, INSPECTOR), needs_note=True),
        Move("verify_pass", "核查通过（结案销号）", (FEEDBACK,), CLOSED, (INSPECTOR,)),
        Move("verify_fail", "核查不通过（返工）", (FEEDBACK,), IN_PROGRESS, (INSPECTOR,), needs_note=True),
        Move("park", "挂账", (REGISTERED, DISPATCHED, IN_PROGRESS, FEEDBACK), PARKED, (INSPECTOR,), needs_note=True),
        Move("resume", "解除挂账", (PARKED,), None, (INSPECTOR,), needs_note=True),
    )
}


class WorkflowError(ValueError):
    """A move that is not allowed; the message says why."""


class PermissionDenied(WorkflowError):
    """The user's role or unit may not make this move."""


@dataclass(frozen=True)
class Case:
    """The fields of a case that the workflow reads and changes."""

    id: int
    state: str
    unit: str | None = None
    deadline: datetime | None = None
    dispatched_at: datetime | None = None
    closed_at: datetime | None = None
    rework_count: int = 0
    parked_from: str | None = None
    version: int = 1


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    unit: str | None = None  # for 责任单位 accounts


@dataclass(frozen=True)
class Event:
    """One line of the audit trail: who, when, from what to what, with a note."""

    case_id: int
    action: str
    from_state: str
    to_state: str
    actor: str
    at: datetime
    note: str = ""
    extra: dict = field(default_factory=dict)


def allowed_actions(case: Case, actor: Actor) -> list[str]:
    """The moves this actor may make on this case now."""
    out = []
    for move in MOVES.values():
        try:
            check(case, actor, move.action, note="x", unit="x", deadline=datetime.max)
        except WorkflowError:
            continue
        out.append(move.action)
    return out


def check(
    case: Case, actor: Actor, action: str, *, note: str = "", unit: str | None = None, deadline: datetime | None = None
) -> Move:
    """Raise if ``actor`` may not make ``action`` on ``case``; return the move."""
    move = MOVES.get(action)
    if move is None:
        raise WorkflowError(f"未知操作 “{action}”。")
    if actor.role not in move.roles:
        raise PermissionDenied(f"{actor.role}账号不能执行“{move.title_zh}”（需要：{'、'.join(move.roles)}）。")
    if actor.role == UNIT and case.unit != actor.unit:
        raise PermissionDenied(f"该案件属于“{case.unit or '未派遣'}”，{actor.unit}无权处理。")
    if case.state not in move.sources:
        raise WorkflowError(
            f"案件当前为“{case.state}”，不能“{move.title_zh}”（仅在 {'、'.join(move.sources)} 时可以）。"
        )
    if move.needs_note and not note.strip():
        raise WorkflowError(f"“{move.title_zh}”需要填写说明。")
    if action == "dispatch":
        if not (unit or case.unit):
            raise WorkflowError("派遣需要指定责任单位。")
        if deadline is None:
            raise WorkflowError("派遣需要设定整改期限。")
    return move


def apply(
    case: Case,
    actor: Actor,
    action: str,
    *,
    at: datetime,
    note: str = "",
    unit: str | None = None,
    deadline: datetime | None = None,
) -> tuple[Case, Event]:
    """The case after the move and the audit event; the caller stores both in one transaction."""
    move = check(case, actor, action, note=note, unit=unit, deadline=deadline)
    target = move.target if move.target is not None else case.parked_from
    if target is None:
        raise WorkflowError(f"案件 {case.id} 没有挂账前的状态，无法恢复；请联系系统管理员。")
    changes: dict = {"state": target, "version": case.version + 1}
    extra: dict = {}
    if action == "dispatch":
        if deadline is not None and deadline <= at:
            raise WorkflowError("整改期限必须晚于派遣时间。")
        assert deadline is not None  # check() refuses a dispatch without one
        changes.update(unit=unit or case.unit, deadline=deadline, dispatched_at=at)
        extra = {"unit": changes["unit"], "deadline": deadline.isoformat()}
    elif action == "verify_pass":
        changes["closed_at"] = at
    elif action == "verify_fail":
        changes["rework_count"] = case.rework_count + 1
    elif action == "park":
        changes["parked_from"] = case.state
    elif action == "resume":
        changes["parked_from"] = None
    new_case = replace(case, **changes)
    event = Event(
        case_id=case.id,
        action=action,
        from_state=case.state,
        to_state=target,
        actor=actor.username,
        at=at,
        note=note.strip(),
        extra=extra,
    )
    return new_case, event
