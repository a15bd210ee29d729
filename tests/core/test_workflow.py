"""The workflow engine (revier.core.workflow): declarations, the checks of a move (declared,
permitted, guarded), the history written with it, the row lock's effect (the second of two
clerks is checked against the first one's result) and what a person may do next.

The database tests move cases with a definition of their own (a moderation-like workflow), so
they test the engine and not the case workflow; the last tests check the case workflow on it."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils import translation
from django_scopes import scope

from revier.cases.models import Case, CaseEvent
from revier.core import workflow as wf
from tests.cases.conftest import make_case
from tests.conftest import make_staff, make_user

PERM = "cases.view_cases"


def _no_result(obj, actor):
    return None if obj.result else "Record a result first."


def _entered(obj, state, at):
    obj.closed_at = at if state.kind == wf.StateKind.FINAL else None
    return ["closed_at"]


def _record(move: wf.Move) -> CaseEvent:
    return CaseEvent(
        municipality_id=move.obj.municipality_id,
        case=move.obj,
        kind=CaseEvent.Kind.STATUS,
        actor=move.actor,
        from_status=move.from_state,
        to_status=move.to_state,
        text=move.note,
    )


def moderation(**overrides) -> wf.WorkflowDefinition:
    values = dict(
        name="moderation",
        states=(
            wf.State("received", "Received", wf.StateKind.INITIAL),
            wf.State("checking", "Checking"),
            wf.State("published", "Published", wf.StateKind.FINAL),
            wf.State("rejected", "Rejected", wf.StateKind.FINAL),
        ),
        transitions=(
            wf.Transition(("received",), "checking", "Check", permission=PERM),
            wf.Transition(("checking",), "published", "Publish", permission=PERM),
            wf.Transition(("checking",), "rejected", "Reject", permission=PERM, guard=_no_result),
            # The author may withdraw from any state that is not final; no permission needed.
            wf.Transition((wf.ANY,), "rejected", "Withdraw"),
        ),
        history=_record,
        on_enter=_entered,
    )
    values.update(overrides)
    return wf.WorkflowDefinition(**values)


class Person:
    """A user whose permissions the test decides."""

    def __init__(self, *perms):
        self.perms = set(perms)
        self.asked = []

    def has_perm(self, perm, obj=None):
        self.asked.append((perm, obj))
        return perm in self.perms


# --- the declaration ------------------------------------------------------------------------


def test_state_kinds_initial_and_final():
    d = moderation()
    assert d.initial == "received"  # the state of kind "initial"
    assert [d.kind(k) for k in ("received", "checking", "published")] == [
        "initial",
        "open",
        "final",
    ]
    assert d.kind("nonsense") is None
    assert (d.is_final("published"), d.is_final("rejected"), d.is_final("checking")) == (
        True,
        True,
        False,
    )
    assert d.label("checking") == "Checking" and d.label("nonsense") == "nonsense"
    # Without a state of kind "initial" the first state is the initial one; one given wins.
    plain = wf.WorkflowDefinition(
        name="p", states=(wf.State("a"), wf.State("b", kind="final")), transitions=()
    )
    assert plain.initial == "a" and plain.label("a") == "a"
    assert moderation(initial="checking").initial == "checking"
    # Kinds are the module's vocabulary: cases call their final kind "closed".
    cases_like = wf.WorkflowDefinition(
        name="c",
        states=(wf.State("open"), wf.State("closed", kind="closed")),
        transitions=(wf.Transition(("open",), "closed"),),
        final_kinds=frozenset({"closed"}),
    )
    assert cases_like.is_final("closed") and not cases_like.is_final("open")


def test_declared_moves_and_any_source():
    d = moderation()
    assert [s.key for s in d.targets("received")] == ["checking", "rejected"]
    assert [s.key for s in d.targets("checking")] == ["published", "rejected"]
    # ANY stands for the states that are not final: nothing leaves a final state.
    assert d.targets("published") == () and d.targets("rejected") == ()
    assert d.targets("nonsense") == ()
    assert d.transition_between("received", "checking").label == "Check"
    assert d.transition_between("received", "published") is None


def test_declaration_problems():
    assert moderation().problems() == []
    with pytest.raises(ImproperlyConfigured, match="declares a state twice"):
        wf.WorkflowDefinition(name="x", states=(wf.State("a"), wf.State("a")), transitions=())
    undeclared = moderation(transitions=(wf.Transition(("received",), "archived"),))
    assert undeclared.problems() == ["a transition names the undeclared state 'archived'"]
    stranded = moderation(
        transitions=(
            wf.Transition(("received",), "checking"),
            wf.Transition(("checking",), "received"),
        )
    )
    assert stranded.problems() == ["no final state can be reached from checking, received"]
    assert moderation(initial="nowhere").problems() == [
        "the initial state 'nowhere' is not declared"
    ]


def test_stranded_states():
    edges = {"a": ["b"], "b": ["c"], "x": ["y"], "y": ["x"]}
    assert wf.stranded_states(keys=["a", "b", "c", "x", "y"], final={"c"}, edges=edges) == [
        "x",
        "y",
    ]
    assert wf.stranded_states(keys=["a", "b", "c"], final={"c"}, edges=edges) == []


# --- the checks of one move, without a database ---------------------------------------------


def _obj(status, result=""):
    return SimpleNamespace(status=status, result=result)


def test_undeclared_move_refused():
    d = moderation()
    with pytest.raises(wf.TransitionRefused) as refused:
        wf.check(
            definition=d, obj=_obj("received"), to="published", actor=Person(PERM), municipality=1
        )
    assert refused.value.code == "not_declared"
    assert (refused.value.from_state, refused.value.to_state) == ("received", "published")
    assert isinstance(refused.value, ValidationError)
    with pytest.raises(wf.TransitionRefused) as unknown:
        wf.check(definition=d, obj=_obj("received"), to="archived", actor=None, municipality=1)
    assert unknown.value.code == "unknown_state"


def test_permission_checked_in_the_municipality():
    d = moderation()
    clerk, stranger = Person(PERM), Person()
    found = wf.check(definition=d, obj=_obj("received"), to="checking", actor=clerk, municipality=7)
    assert found.target == "checking" and clerk.asked == [(PERM, 7)]
    with pytest.raises(wf.TransitionForbidden) as forbidden:
        wf.check(definition=d, obj=_obj("received"), to="checking", actor=stranger, municipality=7)
    assert forbidden.value.permission == PERM and isinstance(forbidden.value, PermissionDenied)
    # No actor (a task) has no permission either; the calling service may waive the check.
    with pytest.raises(wf.TransitionForbidden):
        wf.check(definition=d, obj=_obj("received"), to="checking", actor=None, municipality=7)
    assert wf.check(
        definition=d,
        obj=_obj("received"),
        to="checking",
        actor=None,
        municipality=7,
        check_permission=False,
    )
    # A transition without a permission is open to whoever the service let through.
    assert wf.check(definition=d, obj=_obj("received"), to="rejected", actor=None, municipality=7)


def test_guard_refused_with_its_reason():
    d = moderation()
    with pytest.raises(wf.TransitionRefused) as refused:
        wf.check(
            definition=d, obj=_obj("checking"), to="rejected", actor=Person(PERM), municipality=1
        )
    assert refused.value.code == "guard" and refused.value.messages == ["Record a result first."]
    assert wf.check(
        definition=d,
        obj=_obj("checking", result="rejected"),
        to="rejected",
        actor=Person(PERM),
        municipality=1,
    )


def test_allowed_transitions_filter_permission_and_guard():
    d = moderation()
    clerk = Person(PERM)
    allowed = wf.allowed_transitions(_obj("checking"), clerk, municipality=1, definition=d)
    # "Reject" is guarded (no result yet); "Withdraw" needs no permission and has no guard.
    assert [t.label for t in allowed] == ["Publish", "Withdraw"]
    assert clerk.asked == [(PERM, 1)]  # asked once for all transitions with that permission
    unguarded = wf.allowed_transitions(
        _obj("checking"), clerk, municipality=1, definition=d, guards=False
    )
    assert [t.label for t in unguarded] == ["Publish", "Reject", "Withdraw"]
    assert [
        t.label
        for t in wf.allowed_transitions(_obj("checking"), Person(), municipality=1, definition=d)
    ] == ["Withdraw"]
    assert wf.allowed_transitions(_obj("published"), clerk, municipality=1, definition=d) == []


# --- transition() on the database ------------------------------------------------------------


@pytest.fixture
def clerk(zeitz):
    return make_staff(zeitz, "case_worker", "clerk@zeitz.example", totp=False)


def test_transition_writes_state_fields_and_history(zeitz, clerk):
    case = make_case(zeitz, 1)
    with scope(municipality=zeitz):
        before = Case.objects.get(pk=case.pk).updated_at
        entry = wf.transition(
            obj=case,
            to="checking",
            actor=clerk,
            municipality=zeitz,
            note="Looking into it",
            definition=moderation(),
        )
        assert isinstance(entry, CaseEvent) and entry.pk is not None
        assert (entry.from_status, entry.to_status, entry.actor, entry.text) == (
            "received",
            "checking",
            clerk,
            "Looking into it",
        )
        stored = Case.objects.get(pk=case.pk)
        assert stored.status == "checking" and stored.updated_at > before
        assert case.status == "checking"  # the caller's object carries the new state
        # A move into a final state sets what on_enter derives, and ``changes`` are saved with it.
        entry = wf.transition(
            obj=case,
            to="rejected",
            actor=clerk,
            municipality=zeitz,
            definition=moderation(),
            changes={"result": "rejected"},
        )
        stored = Case.objects.get(pk=case.pk)
        assert (stored.status, stored.result) == ("rejected", "rejected")
        assert stored.closed_at == entry.case.closed_at and stored.closed_at is not None
        assert list(
            CaseEvent.objects.filter(case=case).values_list("from_status", "to_status")
        ) == [("received", "checking"), ("checking", "rejected")]


def test_refused_transition_changes_nothing(zeitz, clerk, resident):
    case = make_case(zeitz, 1, status="checking")
    with scope(municipality=zeitz):
        with pytest.raises(wf.TransitionRefused) as guard:
            wf.transition(
                obj=case, to="rejected", actor=clerk, municipality=zeitz, definition=moderation()
            )
        assert guard.value.code == "guard"
        with pytest.raises(wf.TransitionForbidden):
            wf.transition(
                obj=case,
                to="published",
                actor=resident,
                municipality=zeitz,
                definition=moderation(),
            )
        with pytest.raises(wf.TransitionRefused) as undeclared:
            wf.transition(
                obj=case, to="received", actor=clerk, municipality=zeitz, definition=moderation()
            )
        assert undeclared.value.code == "not_declared"
        stored = Case.objects.get(pk=case.pk)
        assert (stored.status, stored.result, stored.closed_at) == ("checking", "", None)
        assert not CaseEvent.objects.filter(case=case).exists()


def test_permission_is_asked_in_the_given_municipality(zeitz, naumburg, clerk):
    """Staff of Zeitz hold no permission in Naumburg."""
    case = make_case(zeitz, 1)
    with scope(municipality=zeitz), pytest.raises(wf.TransitionForbidden):
        wf.transition(
            obj=case, to="checking", actor=clerk, municipality=naumburg, definition=moderation()
        )


def test_second_of_two_concurrent_moves_sees_the_first_ones_state(zeitz, clerk):
    """Two clerks opened the same object in "checking". The row lock makes the second wait and
    then read the row again; on SQLite (no concurrent writers) the same is shown in sequence:
    the second move is checked against the state the first one left, not its stale copy."""
    make_case(zeitz, 1, status="checking")
    with scope(municipality=zeitz):
        first, second = Case.objects.get(), Case.objects.get()
        wf.transition(
            obj=first,
            to="rejected",
            actor=clerk,
            municipality=zeitz,
            definition=moderation(),
            changes={"result": "rejected"},
        )
        assert second.status == "checking"  # stale
        with pytest.raises(wf.TransitionRefused) as refused:
            wf.transition(
                obj=second, to="published", actor=clerk, municipality=zeitz, definition=moderation()
            )
        assert refused.value.code == "not_declared"
        assert refused.value.from_state == "rejected"
        assert Case.objects.get().status == "rejected"
        assert CaseEvent.objects.count() == 1


def test_transition_needs_a_history_recorder(zeitz, clerk):
    case = make_case(zeitz, 1)
    with scope(municipality=zeitz), pytest.raises(ImproperlyConfigured, match="history"):
        wf.transition(
            obj=case,
            to="checking",
            actor=clerk,
            municipality=zeitz,
            definition=moderation(history=None),
        )


# --- the case workflow on the engine ---------------------------------------------------------


def test_cases_register_their_workflow(zeitz, clerk):
    from revier.cases.workflow import DEFAULT_WORKFLOW

    case = make_case(zeitz, 1)
    with scope(municipality=zeitz):
        definition = wf.definition_for(case)
        assert definition == DEFAULT_WORKFLOW.engine
        # The error status is declared (intake sets it) and final: nothing leaves it.
        assert definition.problems() == []
        assert definition.is_final("intake_error") and definition.is_final("closed")
        clerk_may = [t.target for t in wf.allowed_transitions(case, clerk)]
        # Closing is guarded by a recorded result.
        assert clerk_may == ["in_progress", "waiting", "decided"]
        assert [t.target for t in wf.allowed_transitions(case, clerk, guards=False)] == [
            "in_progress",
            "waiting",
            "decided",
            "closed",
        ]
        assert wf.allowed_transitions(case, make_user("nobody@example.org")) == []
    with pytest.raises(ImproperlyConfigured, match="already has a workflow"):
        wf.register(Case, lambda case: definition)
    with pytest.raises(ImproperlyConfigured, match="no registered workflow"):
        wf.definition_for(SimpleNamespace(status="x"))


def test_case_status_change_writes_through_the_engine(zeitz, clerk):
    from revier.cases import services

    case = make_case(zeitz, 1)
    with scope(municipality=zeitz), translation.override("en"):
        moved = services.case_status_change(
            case=case, to_status="closed", result="granted", note="Erledigt", actor=clerk
        )
        assert (moved.status, moved.status_kind, moved.result) == ("closed", "closed", "granted")
        assert moved.closed_at is not None
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.STATUS)
        assert (event.from_status, event.to_status, event.text, event.public) == (
            "received",
            "closed",
            "Erledigt",
            True,
        )
        with pytest.raises(ValidationError) as refused:
            services.case_status_change(case=case, to_status="in_progress", actor=clerk)
        assert refused.value.message_dict == {
            "status": ["A case in “closed” cannot move to “in progress”."]
        }


@pytest.mark.django_db(transaction=True)
def test_row_lock_makes_the_second_clerk_wait_on_postgresql(zeitz, clerk):
    """On PostgreSQL, with two connections: clerk A holds the row lock inside its move; clerk B's
    move waits for it (seen in pg_locks), then reads A's committed state and is refused."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; the sequential test above covers SQLite")
    case = make_case(zeitz, 1, status="checking")
    a_holds_lock, a_may_finish = threading.Event(), threading.Event()
    outcome: dict = {}

    def hold(obj, actor):
        if threading.current_thread().name == "A":
            a_holds_lock.set()
            a_may_finish.wait(30)
        return None

    definition = moderation(
        transitions=(
            wf.Transition(("checking",), "published", permission=PERM, guard=hold),
            wf.Transition(("checking",), "rejected", permission=PERM),
        )
    )

    def move(to):
        try:
            with scope(municipality=zeitz):
                wf.transition(
                    obj=case, to=to, actor=clerk, municipality=zeitz, definition=definition
                )
            outcome[to] = "moved"
        except wf.TransitionRefused as refused:
            outcome[to] = (refused.code, refused.from_state)
        finally:
            connection.close()

    a = threading.Thread(target=move, args=("published",), name="A")
    b = threading.Thread(target=move, args=("rejected",), name="B")
    a.start()
    assert a_holds_lock.wait(30)
    b.start()
    waiting = False
    for _ in range(300):  # until B is seen waiting for A's row lock (bounded)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            waiting = cursor.fetchone()[0] > 0
        if waiting:
            break
        threading.Event().wait(0.1)
    a_may_finish.set()
    a.join(30)
    b.join(30)
    assert waiting, "the second move did not wait for the first one's lock"
    assert outcome == {"published": "moved", "rejected": ("not_declared", "published")}
    with scope(municipality=zeitz):
        assert Case.objects.get().status == "published"
        assert list(CaseEvent.objects.values_list("to_status", flat=True)) == ["published"]
