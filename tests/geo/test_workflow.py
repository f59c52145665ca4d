from datetime import datetime, timedelta

import pytest

from chuangcheng.geo.workflow import (
    CLOSED,
    DISPATCHED,
    FEEDBACK,
    IN_PROGRESS,
    INSPECTOR,
    LEADER,
    PARKED,
    REGISTERED,
    REPORTED,
    UNIT,
    Actor,
    Case,
    PermissionDenied,
    WorkflowError,
    allowed_actions,
    apply,
)

T0 = datetime(2026, 11, 1, 9, 0)
INSP = Actor("inspector", INSPECTOR)
UNIT_A = Actor("unit_a", UNIT, unit="城管局")
UNIT_B = Actor("unit_b", UNIT, unit="市场监管局")
BOSS = Actor("boss", LEADER)


def _through(case, steps):
    for actor, action, kwargs in steps:
        case, _ = apply(case, actor, action, at=T0 + timedelta(days=1), **kwargs)
    return case


def test_the_whole_loop_with_one_rework():
    case = Case(id=1, state=REPORTED)
    case = _through(
        case,
        [
            (INSP, "register", {}),
            (INSP, "dispatch", {"unit": "城管局", "deadline": T0 + timedelta(days=7)}),
            (UNIT_A, "start", {}),
            (UNIT_A, "report_fix", {"note": "已清理"}),
            (INSP, "verify_fail", {"note": "仍有垃圾"}),
        ],
    )
    assert case.state == IN_PROGRESS and case.rework_count == 1 and case.version == 6
    case = _through(case, [(UNIT_A, "report_fix", {"note": "复查清理"}), (INSP, "verify_pass", {})])
    assert case.state == CLOSED and case.closed_at is not None and case.unit == "城管局"


@pytest.mark.parametrize(
    "state, action, message",
    [
        (REPORTED, "dispatch", "不能“派遣”"),
        (CLOSED, "register", "不能“立案”"),
        (IN_PROGRESS, "verify_pass", "不能“核查通过"),
        (REGISTERED, "report_fix", "不能“整改反馈”"),
    ],
)
def test_invalid_moves_are_refused_with_a_reason(state, action, message):
    case = Case(id=1, state=state, unit="城管局")
    with pytest.raises(WorkflowError, match=message):
        apply(case, INSP, action, at=T0, note="说明")


def test_roles_and_units_are_enforced():
    dispatched = Case(id=1, state=DISPATCHED, unit="城管局")
    with pytest.raises(PermissionDenied, match="无权处理"):
        apply(dispatched, UNIT_B, "start", at=T0)
    with pytest.raises(PermissionDenied, match="不能执行"):
        apply(Case(id=1, state=REPORTED), UNIT_A, "register", at=T0)
    with pytest.raises(PermissionDenied):
        apply(Case(id=1, state=FEEDBACK, unit="城管局"), UNIT_A, "verify_pass", at=T0)
    assert allowed_actions(dispatched, BOSS) == []
    assert allowed_actions(dispatched, UNIT_A) == ["start"]
    assert set(allowed_actions(Case(id=1, state=REPORTED), INSP)) == {"register", "decline", "void"}


def test_notes_deadlines_and_parking():
    with pytest.raises(WorkflowError, match="需要填写说明"):
        apply(Case(id=1, state=REPORTED), INSP, "decline", at=T0)
    with pytest.raises(WorkflowError, match="整改期限"):
        apply(Case(id=1, state=REGISTERED), INSP, "dispatch", at=T0, unit="城管局")
    with pytest.raises(WorkflowError, match="晚于"):
        apply(Case(id=1, state=REGISTERED), INSP, "dispatch", at=T0, unit="城管局", deadline=T0)
    parked, event = apply(Case(id=1, state=IN_PROGRESS, unit="城管局"), INSP, "park", at=T0, note="等待拆迁")
    assert parked.state == PARKED and event.note == "等待拆迁"
    resumed, _ = apply(parked, INSP, "resume", at=T0, note="拆迁完成")
    assert resumed.state == IN_PROGRESS and resumed.parked_from is None
    # a parked case that lost where it was parked from cannot be resumed into no state at all
    with pytest.raises(WorkflowError, match="没有挂账前的状态"):
        apply(Case(id=2, state=PARKED, unit="城管局"), INSP, "resume", at=T0, note="恢复")
