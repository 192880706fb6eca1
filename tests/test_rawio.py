"""rawio: whole files read from the descriptor give what a buffered read gives."""
from __future__ import annotations

import os
import threading

import pytest

from greenmine_docs.rawio import read_file, read_up_to


@pytest.mark.parametrize("size", [0, 1, 4095, 65536, 65537, 300_001, (1 << 20) + 3])
def test_a_file_reads_as_path_read_bytes_reads_it(tmp_path, size):
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom(size))
    assert read_file(path) == path.read_bytes()
    assert read_file(str(path)) == path.read_bytes()


def test_missing_files_and_folders_fail_as_path_read_bytes_fails(tmp_path):
    for target, error in ((tmp_path / "missing", FileNotFoundError),
                          (tmp_path, IsADirectoryError)):
        with pytest.raises(error):
            target.read_bytes()
        with pytest.raises(error):
            read_file(target)


def test_a_file_that_grew_after_its_size_was_taken_is_read_to_its_end(tmp_path):
    path = tmp_path / "f.bin"
    data = os.urandom(200_000)
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert read_up_to(fd, 1 << 30, 10) == data  # told 10 bytes: reads on to the end
        os.lseek(fd, 0, os.SEEK_SET)
        assert read_up_to(fd, 150_001, len(data)) == data[:150_001]  # never more than asked
    finally:
        os.close(fd)


def test_short_reads_never_shorten_the_result():
    """A pipe gives what was written so far: the reader goes on until the end."""
    read_end, write_end = os.pipe()
    parts = [os.urandom(n) for n in (1000, 70_000, 5)]

    def write() -> None:
        for part in parts:
            os.write(write_end, part)
        os.close(write_end)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert read_up_to(read_end, 1 << 30, 1000) == b"".join(parts)
    finally:
        writer.join()
        os.close(read_end)
