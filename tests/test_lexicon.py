"""The terms file read as arrays (indexer.engine.lexicon): records parsed with numpy, and terms
numbered across segments so that equal terms get equal numbers."""
from struct import pack

import numpy as np
import pytest

from indexer.engine import lexicon


def record(field: int, term: bytes, df: int, first: int, last: int, extra: bytes = b"", flags: int = 0) -> bytes:
    """One ordered-hash-file record: a W3 term info (flags, weight, df, lengths, largest weight,
    first and last document), then whatever follows it (inlined postings)."""
    key = pack("!H", field) + term
    info = pack("!BfIBBfII", flags, float(df), df, 1, 9, 1.0, first, last) + extra
    return pack("!ii", len(key), len(info)) + key + info


def records(*recs: bytes) -> tuple[bytes, np.ndarray]:
    data, positions = b"", []
    for r in recs:
        positions.append(len(data))
        data += r
    return data, np.array(positions)


def as_tuples(lex):
    return [(lex.term(i), int(lex.df[i]), int(lex.first[i]), int(lex.last[i])) for i in range(len(lex))]


def test_records_are_parsed_whatever_follows_the_term_info():
    data, positions = records(record(3, b"abc", 1, 7, 7), record(3, "社区".encode(), 2, 0, 40, extra=b"\x80\x02postings"),
                              record(3, b"z", 3_000_000_000, 4_000_000_000, 4_000_000_001))
    assert as_tuples(lexicon.parse_records(data, positions)) == [
        (b"abc", 1, 7, 7), ("社区".encode(), 2, 0, 40), (b"z", 3_000_000_000, 4_000_000_000, 4_000_000_001)]


def test_no_records_is_an_empty_lexicon():
    assert len(lexicon.parse_records(b"", np.zeros(0, dtype=np.int64))) == 0


def test_bytes_that_are_not_term_records_are_refused():
    with pytest.raises(ValueError):
        lexicon.parse_records(pack("!ii", 2, 0) + b"ab", np.array([0]))


def lexicon_of(*terms: bytes):
    return lexicon.parse_records(*records(*(record(0, t, 1, i, i) for i, t in enumerate(terms))))


def keys_of(*terms: bytes):
    return lexicon.keys(lexicon_of(*terms))


def test_equal_terms_in_different_segments_get_one_number_in_term_order():
    a = lexicon_of(b"0f3a", b"dup:1", b"sig:1")
    b = lexicon_of(b"0f3a", b"0f3b", b"sig:1")
    numbers, count = lexicon.group_ids([lexicon.keys(a), lexicon.keys(b)])
    assert [n.tolist() for n in numbers] == [[0, 2, 3], [0, 1, 3]] and count == 4


def test_a_term_and_the_same_term_followed_by_a_zero_byte_differ():
    numbers, count = lexicon.group_ids([keys_of(b"ab"), keys_of(b"ab\x00"), keys_of(b"ab\x00\x00\x00\x00\x00\x00")])
    assert [n.tolist() for n in numbers] == [[0], [1], [2]] and count == 3


def test_terms_longer_than_eight_bytes_are_compared_whole():
    first, second = "甲县社区建设工作汇报".encode(), "甲县社区建设工作总结".encode()
    numbers, count = lexicon.group_ids([keys_of(first), keys_of(second), keys_of(first)])
    assert [n.tolist() for n in numbers] == [[1], [0], [1]] and count == 2        # 总 (e6 80) < 汇 (e6 b1)


def test_no_terms_give_no_groups():
    numbers, count = lexicon.group_ids([keys_of(), keys_of()])
    assert [n.tolist() for n in numbers] == [[], []] and count == 0


def test_terms_of_one_length_are_read_as_a_strided_view_with_the_same_result():
    same_length = lexicon_of(b"0a1b2c3d4e5f6a7b", b"0a1b2c3d4e5f6a7c", b"ffffffffffffffff")
    mixed = lexicon_of(b"0a1b2c3d4e5f6a7b", b"0a1b2c3d4e5f6a7c", b"ffffffffffffffff", b"sig:1")
    assert (lexicon.keys(same_length).words == lexicon.keys(mixed).words[:3]).all()
    assert lexicon.keys(same_length).words[0].tobytes() == b"0a1b2c3d4e5f6a7b"


def test_keys_of_different_widths_are_compared_as_the_bytes_are():
    numbers, count = lexicon.group_ids([keys_of(b"a", b"b"), keys_of(b"a" * 20, b"b")])
    assert [n.tolist() for n in numbers] == [[0, 2], [1, 2]] and count == 3


def test_first_eight_bytes_shared_by_many_terms_are_ordered_by_the_rest():
    prefix = b"shared::"
    segments = [[prefix + b"c", prefix + b"d"], [prefix + b"a", prefix + b"c"], [prefix, prefix + b"b", b"z"]]
    numbers, count = lexicon.group_ids([keys_of(*terms) for terms in segments])
    ranks = {t: i for i, t in enumerate(sorted({t for terms in segments for t in terms}))}
    assert [n.tolist() for n in numbers] == [[ranks[t] for t in terms] for terms in segments] and count == len(ranks)


def test_postings_inlined_in_a_term_info_are_read_from_it():
    import pickle

    inlined = pickle.dumps(((3, 9), (1.0, 2.0), (b"", b"")), 2)
    lex = lexicon.parse_records(*records(record(1, b"x", 2, 3, 9, extra=inlined, flags=1), record(1, b"y", 1, 4, 4)))
    assert lexicon.posting_ids(None, lex, 0) == [3, 9]


def test_terms_added_beside_numbered_ones_keep_the_old_numbers_and_get_new_ones_after_them():
    known = [(keys_of(b"b", b"d"), np.array([1, 3])), (keys_of(b"a", b"c"), np.array([0, 2]))]
    numbers, count = lexicon.extend_group_ids(known, 4, [keys_of(b"0", b"c", b"e"), keys_of(b"b", b"e")])
    assert [n.tolist() for n in numbers] == [[4, 2, 5], [1, 5]] and count == 6


def test_terms_added_are_found_in_lexicons_of_any_width():
    long = "甲县社区建设工作汇报".encode()
    known = [(keys_of(b"a", long), np.array([0, 1])), (keys_of(b"z"), np.array([2]))]
    numbers, count = lexicon.extend_group_ids(known, 3, [keys_of(b"z", long + b"!"), keys_of(long)])
    assert [n.tolist() for n in numbers] == [[2, 3], [1]] and count == 4


def test_nothing_added_keeps_the_count():
    numbers, count = lexicon.extend_group_ids([(keys_of(b"a"), np.array([0]))], 1, [keys_of()])
    assert [n.tolist() for n in numbers] == [[]] and count == 1


def test_a_term_known_but_for_a_trailing_zero_byte_is_left_to_group_ids():
    assert lexicon.extend_group_ids([(keys_of(b"ab"), np.array([0]))], 1, [keys_of(b"ab\x00")]) is None


def test_numbering_added_terms_groups_them_as_numbering_all_of_them_does():
    rng = np.random.default_rng(7)
    words = [bytes(rng.choice(list(b"ab\xe7"), size=rng.integers(1, 12))) for _ in range(400)]
    segments = [sorted(set(rng.choice(len(words), size=60).tolist())) for _ in range(5)]
    lexicons = [keys_of(*sorted({words[i] for i in s})) for s in segments]
    old, count = lexicon.group_ids(lexicons[:3])
    added, total = lexicon.extend_group_ids(list(zip(lexicons[:3], old)), count, lexicons[3:])
    whole, whole_count = lexicon.group_ids(lexicons)
    pairs = set(zip(np.concatenate(old + added).tolist(), np.concatenate(whole).tolist()))
    assert len(pairs) == whole_count == len({a for a, _ in pairs}) and total >= whole_count
