"""The durability model of the power-cut layer (powercut_fs.py): what of a backing folder would
survive a power cut, and the rollback that makes the folder hold exactly that.

  * fsync/fdatasync of a file makes its data and size durable (fsync also its mode);
  * fsync of a directory makes its entries durable (create, rename, link, unlink, mkdir, rmdir);
  * everything present when tracking (re)starts is durable.
Files are rolled back through an undo log (the old bytes of every overwritten durable range, then
a truncate to the durable size); directories through a snapshot of their durable entries taken at
their first change and at each fsync. Names removed while not durable are kept as hard links in a
graveyard beside the backing folder until the next cut, so that a cut can put them back.
"""

import os
import shutil

def read_old(fd, length, offset):
    """The bytes about to be overwritten, read through a descriptor of our own: the caller's may be
    write-only (O_WRONLY, as an O_DIRECT writer opens it), and reading through it fails (EBADF)."""
    own = os.open(f'/proc/self/fd/{fd}', os.O_RDONLY)
    try:
        return os.pread(own, length, offset)
    finally:
        os.close(own)


class FileState:
    """What of one file is durable: its size, mode, and the old bytes of overwritten durable ranges."""

    def __init__(self, size, mode):
        self.dsize = size
        self.dmode = mode
        self.undo = []  # (offset, old bytes), in the order they were overwritten


class Durability:
    """The durable state beside the live backing tree, and the rollback that restores it."""

    def __init__(self, root, graveyard):
        self.root = root
        self.graveyard = graveyard
        self.files = {}  # ino -> FileState
        self.dirs = {}  # ino -> {name: (ino, kind)}: durable entries of changed directories
        self.dropped_bytes = 0

    def before_dir_change(self, dirpath):
        ino = os.lstat(dirpath).st_ino
        if ino not in self.dirs:
            self.dirs[ino] = listing(dirpath)

    def dir_synced(self, dirpath):
        self.dirs[os.lstat(dirpath).st_ino] = listing(dirpath)

    def new_dir(self, dirpath):
        self.dirs[os.lstat(dirpath).st_ino] = {}

    def new_file(self, fd):
        st = os.fstat(fd)
        self.files[st.st_ino] = FileState(0, st.st_mode & 0o7777)

    def file_state(self, fd):
        st = os.fstat(fd)
        state = self.files.get(st.st_ino)
        if state is None:
            state = self.files[st.st_ino] = FileState(st.st_size, st.st_mode & 0o7777)
        return state

    def before_write(self, fd, offset, length):
        state = self.file_state(fd)
        if offset < state.dsize and length > 0:
            old = read_old(fd, min(length, state.dsize - offset), offset)
            if old:
                state.undo.append((offset, old))

    def before_truncate(self, fd, length):
        state = self.file_state(fd)
        if length < state.dsize:
            state.undo.append((length, read_old(fd, state.dsize - length, length)))

    def before_chmod(self, path):
        st = os.lstat(path)
        if kind_of(st.st_mode) == 'f' and st.st_ino not in self.files:
            self.files[st.st_ino] = FileState(st.st_size, st.st_mode & 0o7777)

    def file_synced(self, fd, datasync):
        st = os.fstat(fd)
        state = self.files.get(st.st_ino)
        if state is None:
            return
        state.dsize = st.st_size
        state.undo = []
        if not datasync:
            state.dmode = st.st_mode & 0o7777

    def keep(self, path):
        """Keep a file whose name goes away, so a cut can give the name back."""
        st = os.lstat(path)
        if kind_of(st.st_mode) == 'd':
            return
        target = os.path.join(self.graveyard, f'{kind_of(st.st_mode)}{st.st_ino}')
        if not os.path.lexists(target):
            os.link(path, target, follow_symlinks=False)

    def rollback(self):
        """Restore the durable state in the backing folder; returns what was thrown away."""
        live = {}  # dir ino -> current entries
        scan(self.root, live)
        root_ino = os.lstat(self.root).st_ino
        limbo = os.path.join(os.path.dirname(self.root), '.limbo')
        os.makedirs(limbo, exist_ok=True)
        flatten(self.root, limbo)
        for name in os.listdir(self.graveyard):
            src = os.path.join(self.graveyard, name)
            dst = os.path.join(limbo, name)
            if os.path.lexists(dst):
                os.unlink(src)
            else:
                os.rename(src, dst)
        placed = {root_ino: self.root}
        anomalies = []
        self.place(root_ino, self.root, live, limbo, placed, anomalies)
        files = self.restore_files(placed)
        entries = drop_tree(limbo)
        report = {'filesRolledBack': files, 'bytesDropped': self.dropped_bytes,
                  'entriesDropped': entries, 'anomalies': anomalies}
        self.files, self.dirs, self.dropped_bytes = {}, {}, 0
        return report

    def place(self, dir_ino, dir_path, live, limbo, placed, anomalies):
        wanted = self.dirs.get(dir_ino, live.get(dir_ino, {}))
        for name, (ino, kind) in sorted(wanted.items()):
            target = os.path.join(dir_path, name)
            if ino in placed:
                if kind == 'd':
                    anomalies.append(f'directory {ino} has two durable names; {target} left out')
                else:
                    os.link(placed[ino], target, follow_symlinks=False)
                continue
            src = os.path.join(limbo, f'{kind}{ino}')
            if not os.path.lexists(src):
                anomalies.append(f'{target}: its inode {ino} is gone')
                continue
            os.rename(src, target)
            placed[ino] = target
            if kind == 'd':
                self.place(ino, target, live, limbo, placed, anomalies)

    def restore_files(self, placed):
        count = 0
        for ino, state in self.files.items():
            path = placed.get(ino)
            if path is None:
                continue
            size = os.lstat(path).st_size
            if size == state.dsize and not state.undo and (os.lstat(path).st_mode & 0o7777) == state.dmode:
                continue
            count += 1
            fd = os.open(path, os.O_WRONLY)
            try:
                for offset, old in reversed(state.undo):
                    os.pwrite(fd, old, offset)
                if size > state.dsize:
                    self.dropped_bytes += size - state.dsize
                os.ftruncate(fd, state.dsize)
            finally:
                os.close(fd)
            os.chmod(path, state.dmode)
        return count


def kind_of(mode):
    if (mode & 0o170000) == 0o040000:
        return 'd'
    if (mode & 0o170000) == 0o120000:
        return 'l'
    return 'f'


def listing(path):
    """A folder's entries: name -> (inode, kind)."""
    entries = {}
    with os.scandir(path) as it:
        for e in it:
            st = e.stat(follow_symlinks=False)
            entries[e.name] = (st.st_ino, kind_of(st.st_mode))
    return entries


def scan(path, live):
    """The entries of `path` and of every folder below it, by the folder's inode."""
    entries = listing(path)
    live[os.lstat(path).st_ino] = entries
    for name, (_, kind) in entries.items():
        if kind == 'd':
            scan(os.path.join(path, name), live)


def flatten(path, limbo):
    """Move every entry below `path` into `limbo`, named by kind and inode (files once)."""
    for name in os.listdir(path):
        p = os.path.join(path, name)
        st = os.lstat(p)
        kind = kind_of(st.st_mode)
        if kind == 'd':
            flatten(p, limbo)
        target = os.path.join(limbo, f'{kind}{st.st_ino}')
        if os.path.lexists(target):
            os.unlink(p)
        else:
            os.rename(p, target)


def drop_tree(limbo):
    count = 0
    for name in os.listdir(limbo):
        p = os.path.join(limbo, name)
        count += 1
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)
    os.rmdir(limbo)
    return count
