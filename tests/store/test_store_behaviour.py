"""The store interface behaves the same in memory, in SQLite and in Redis."""

from __future__ import annotations

import sqlite3

import pytest

from simulator.store import MemoryStore, ServiceStore, open_store
from simulator.store.sqlite import SQLiteStore


def test_get_answers_the_default_for_a_missing_key(store):
    assert store.get("ns", "absent") is None
    assert store.get("ns", "absent", {"d": 1}) == {"d": 1}


def test_put_then_get_round_trips_json_values(store):
    value = {"name": "王凌超", "n": 3, "ok": True, "none": None, "nested": {"list": [1, 2.5, "三"]}}
    store.put("ns", "k", value)
    assert store.get("ns", "k") == value


def test_values_are_copies_so_callers_never_share_state(store):
    record = {"faces": [1]}
    store.put("ns", "k", record)
    record["faces"].append(2)
    fetched = store.get("ns", "k")
    fetched["faces"].append(3)
    assert store.get("ns", "k") == {"faces": [1]}


def test_tuples_come_back_as_lists_as_json_would_give_them(store):
    store.put("ns", "k", {"point": (1, 2)})
    assert store.get("ns", "k") == {"point": [1, 2]}


def test_items_keep_first_insertion_order_even_after_an_update(store):
    for key in ("b", "a", "c"):
        store.put("ns", key, key.upper())
    store.put("ns", "b", "updated")
    assert store.items("ns") == [("b", "updated"), ("a", "A"), ("c", "C")]


def test_a_deleted_key_comes_back_at_the_end(store):
    for key in ("a", "b"):
        store.put("ns", key, 1)
    assert store.delete("ns", "a") is True
    store.put("ns", "a", 2)
    assert [k for k, _ in store.items("ns")] == ["b", "a"]


def test_delete_says_whether_there_was_something_to_delete(store):
    store.put("ns", "k", 1)
    assert store.delete("ns", "k") is True
    assert store.delete("ns", "k") is False
    assert store.get("ns", "k") is None


def test_add_if_absent_adds_only_the_first_time(store):
    assert store.add_if_absent("nonces", "n1", {"first": True}) is True
    assert store.add_if_absent("nonces", "n1", {"first": False}) is False
    assert store.get("nonces", "n1") == {"first": True}


def test_incr_starts_from_zero_and_returns_the_new_value(store):
    assert store.incr("counters", "seq") == 1
    assert store.incr("counters", "seq") == 2
    assert store.incr("counters", "seq", 10) == 12
    assert store.incr("counters", "seq", -2) == 10
    assert store.get("counters", "seq") == 10


def test_incr_continues_from_a_value_put_as_an_integer(store):
    store.put("counters", "n", 41)
    assert store.incr("counters", "n") == 42


def test_append_answers_positions_and_values_keep_order(store):
    assert [store.append("log", {"i": i}) for i in range(3)] == [1, 2, 3]
    assert store.values("log") == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert store.values("empty") == []


def test_append_with_keep_drops_the_oldest_but_positions_keep_counting(store):
    positions = [store.append("log", i, keep=3) for i in range(5)]
    assert positions == [1, 2, 3, 4, 5]
    assert store.values("log") == [2, 3, 4]


def test_maps_and_lists_of_the_same_namespace_are_separate(store):
    store.put("ns", "k", 1)
    store.append("ns", 2)
    assert store.items("ns") == [("k", 1)]
    assert store.values("ns") == [2]


def test_clear_with_a_prefix_forgets_only_those_namespaces(store):
    store.put("svc-a:users", "u", 1)
    store.append("svc-a:log", 1)
    store.put("svc-b:users", "u", 2)
    store.clear("svc-a:")
    assert store.items("svc-a:users") == [] and store.values("svc-a:log") == []
    assert store.get("svc-b:users", "u") == 2


def test_the_sequence_counts_from_one_and_only_a_full_clear_restarts_it(store):
    assert [store.sequence() for _ in range(3)] == [1, 2, 3]
    store.put("svc:a", "k", 1)
    store.clear("svc:")
    assert store.sequence() == 4
    store.clear()
    assert store.sequence() == 1


def test_the_sequence_is_independent_of_counters_and_lists(store):
    store.incr("counters", "seq")
    store.append("journal", {})
    assert store.sequence() == 1


def test_clear_without_a_prefix_forgets_everything(store):
    store.put("a", "k", 1)
    store.append("b", 1)
    store.clear()
    assert store.items("a") == [] and store.values("b") == []
    assert store.append("b", 1) == 1


def test_namespaces_lists_the_non_empty_ones_under_a_prefix(store):
    store.put("svc:users", "u", 1)
    store.append("svc:log", 1)
    store.put("other:x", "k", 1)
    store.put("svc:gone", "k", 1)
    store.delete("svc:gone", "k")
    assert store.namespaces("svc:") == ["svc:log", "svc:users"]


def test_namespaces_and_keys_with_glob_characters_are_literal(store):
    store.put("a*[b]?", "k*", 1)
    store.put("aXbY", "k", 2)
    store.clear("a*[")
    assert store.get("a*[b]?", "k*") is None
    assert store.get("aXbY", "k") == 2


def test_service_store_prefixes_every_namespace_with_the_service(store):
    view = ServiceStore(store, "huawei-ocr")
    view.put("iam:tokens", "t", {"user": "u"})
    view.append("calls", 1, keep=5)
    assert store.get("huawei-ocr:iam:tokens", "t") == {"user": "u"}
    assert store.values("huawei-ocr:calls") == [1]
    view.clear()
    assert store.namespaces("huawei-ocr:") == []


def test_a_second_handle_on_a_shared_store_sees_the_same_state(shared_store_url):
    first, second = open_store(shared_store_url), open_store(shared_store_url)
    first.put("ns", "k", {"v": 1})
    assert second.get("ns", "k") == {"v": 1}
    assert second.incr("c", "n") == 1 and first.incr("c", "n") == 2
    first.clear()


def test_sqlite_store_runs_its_database_in_wal_mode(tmp_path):
    SQLiteStore(tmp_path / "state.db")
    with sqlite3.connect(tmp_path / "state.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_lists_created_by_another_process_are_listed_and_cleared(tmp_path):
    mine, theirs = SQLiteStore(tmp_path / "state.db"), SQLiteStore(tmp_path / "state.db")
    theirs.append("log:a", 1)
    assert mine.namespaces("log:") == ["log:a"]
    mine.clear("log:")
    assert theirs.values("log:a") == []


@pytest.mark.parametrize("url", ["sqlite://", "postgres://x", "file:///tmp/x"])
def test_unknown_or_incomplete_store_urls_are_refused(url):
    with pytest.raises(ValueError):
        open_store(url)


def test_a_new_sqlite_database_starts_afresh_whatever_an_old_one_left_beside_it(tmp_path):
    path = tmp_path / "state.db"
    old = SQLiteStore(path)
    assert [old.sequence() for _ in range(3)] == [1, 2, 3]
    old.append("journal", {"old": True})
    old.close()
    for name in ("state.db", "state.db-wal", "state.db-shm"):  # the maps database only
        (tmp_path / name).unlink(missing_ok=True)
    new = SQLiteStore(path)
    assert new.sequence() == 1
    assert new.values("journal") == []
    assert SQLiteStore(path).sequence() == 2  # an existing database keeps its place


def test_a_long_capped_list_reads_exactly_its_newest_items(store):
    for i in range(1, 201):
        assert store.append("journal", i, keep=5) == i
    assert store.values("journal") == [196, 197, 198, 199, 200]


def test_sqlite_lists_drop_whole_segments_and_never_show_the_surplus(tmp_path):
    from simulator.store.listfiles import SEGMENT

    store = SQLiteStore(tmp_path / "state.db")
    for i in range(1, 3 * SEGMENT + 11):
        store.append("journal", i, keep=5)
    (folder,) = (tmp_path / "state.db.lists").iterdir()
    assert len(list(folder.glob("*.jsonl"))) <= 2  # the open segment and at most the one before
    assert store.values("journal") == list(range(3 * SEGMENT + 6, 3 * SEGMENT + 11))


def test_sqlite_list_values_survive_text_json_cannot_spell_in_utf8(tmp_path):
    store = SQLiteStore(tmp_path / "state.db")
    store.append("journal", {"body": "lone \udc80 surrogate, 中文, new\nline"})
    assert store.values("journal") == [{"body": "lone \udc80 surrogate, 中文, new\nline"}]


def test_a_list_cleared_by_another_process_is_appended_to_afresh(tmp_path):
    mine, theirs = SQLiteStore(tmp_path / "state.db"), SQLiteStore(tmp_path / "state.db")
    mine.append("journal", "old")
    theirs.clear()
    theirs.append("journal", "theirs")
    assert mine.append("journal", "mine") == 2
    assert mine.values("journal") == ["theirs", "mine"]


def test_what_one_connection_read_is_read_again_after_another_changes_it(tmp_path):
    reader, writer = SQLiteStore(tmp_path / "state.db"), SQLiteStore(tmp_path / "state.db")
    assert reader.get("tokens", "t") is None and reader.items("tokens") == []
    writer.put("tokens", "t", {"user": "a"})
    assert reader.get("tokens", "t") == {"user": "a"}
    assert reader.items("tokens") == [("t", {"user": "a"})]
    reader.put("tokens", "t", {"user": "b"})
    assert reader.get("tokens", "t") == {"user": "b"}
    copy = reader.get("tokens", "t")
    copy["user"] = "changed by the caller"
    assert reader.get("tokens", "t") == {"user": "b"}


def test_a_cached_read_is_read_again_after_another_process_writes(tmp_path):
    """Readers keep what they read while the database's write generation (``state.db.gen``, shared
    memory) stands: a write by another process must move it on, or the read would stay stale."""
    import subprocess
    import sys

    store = SQLiteStore(tmp_path / "state.db")
    assert store.get("faults", "f") is None and store.items("faults") == []  # cached now
    subprocess.run([sys.executable, "-c", "import sys; from simulator.store.sqlite import SQLiteStore; "
                    "SQLiteStore(sys.argv[1]).put('faults', 'f', {'action': 'reset'})", str(tmp_path / "state.db")],
                   check=True)
    assert store.get("faults", "f") == {"action": "reset"}
    assert store.items("faults") == [("f", {"action": "reset"})]


def test_delete_map_forgets_every_key_of_that_namespace_only(store):
    for ns in ("periods@1", "periods@10", "periods@1:x", "other"):
        store.put(ns, "k", ns)
        store.put(ns, "k2", ns)
    store.append("periods@1", {"a list": "of the same name"})
    store.delete_map("periods@1")
    assert store.items("periods@1") == [] and store.get("periods@1", "k") is None
    assert [store.get(ns, "k") for ns in ("periods@10", "periods@1:x", "other")] == ["periods@10", "periods@1:x", "other"]
    assert store.values("periods@1") == [{"a list": "of the same name"}]


def test_a_deleted_map_starts_again_empty(store):
    store.put("ns", "a", 1)
    store.incr("ns", "n", 5)
    store.delete_map("ns")
    store.delete_map("never-written")
    assert store.add_if_absent("ns", "a", 2) is True
    assert store.incr("ns", "n") == 1
    assert store.items("ns") == [("a", 2), ("n", 1)]
    assert "ns" in store.namespaces() and "never-written" not in store.namespaces()


def test_a_service_store_deletes_a_map_even_on_a_store_without_delete_map():
    class OlderStore:  # a store written before delete_map existed
        def __init__(self):
            self.inner = MemoryStore()

        def __getattr__(self, name):
            if name == "delete_map":
                raise AttributeError(name)
            return getattr(self.inner, name)

    older = OlderStore()
    view = ServiceStore(older, "svc")
    view.put("ns", "a", 1)
    view.put("ns", "b", 2)
    view.put("kept", "a", 3)
    view.delete_map("ns")
    assert view.items("ns") == [] and view.items("kept") == [("a", 3)]
