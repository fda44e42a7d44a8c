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
