#!/usr/bin/python3
"""A FUSE layer that loses, on a power cut, every write that was not made durable.

Passthrough to a backing folder; powercut_model.py says what is durable and rolls the rest back.
A power cut ("cut" on the control socket) restores the durable state in the backing folder and
then fails every request with EIO until "boot".

It runs as root, mounted with allow_other and default_permissions: the kernel checks every
request against the owner and mode of the files, and each new file, folder or link is handed to
the user who made it, so an unprivileged service meets the permissions it would meet on a disk.
It runs single-threaded; a second thread serves the control socket and takes the same lock as
every request:
  powercut_fs.py BACKING MOUNTPOINT CONTROL_SOCKET
Control commands, one per line, each answered with one JSON line: cut, boot, stats, exit.
"""

import errno
import json
import os
import socket
import subprocess
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations, fuse_get_context
from powercut_model import Durability, kind_of

SHM_SUFFIX = '-shm'  # SQLite's shared-memory index is mmapped: it keeps the page cache

class PowerCutFs(Operations):
    """The passthrough operations; every change is told to Durability first."""

    use_ns = True

    def __init__(self, root, graveyard):
        self.root = os.path.realpath(root)
        self.mutex = threading.Lock()
        self.frozen = False
        self.fds = {}
        self.d = Durability(self.root, graveyard)
        self.counts = {'writes': 0, 'fsyncs': 0, 'dirsyncs': 0, 'cuts': 0}

    def __call__(self, op, *args):
        with self.mutex:
            if self.frozen and op not in ('release', 'releasedir', 'destroy'):
                raise FuseOSError(errno.EIO)
            if not hasattr(self, op):
                raise FuseOSError(errno.ENOSYS)
            return getattr(self, op)(*args)

    def real(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def parent(self, path):
        return os.path.dirname(self.real(path).rstrip('/'))

    # -- reading
    def getattr(self, path, fh=None):
        st = os.fstat(fh.fh) if fh is not None else os.lstat(self.real(path))
        keys = ('st_mode', 'st_ino', 'st_nlink', 'st_uid', 'st_gid', 'st_size', 'st_atime_ns',
                'st_mtime_ns', 'st_ctime_ns', 'st_blocks')
        attrs = {k: getattr(st, k) for k in keys}
        for k in ('st_atime', 'st_mtime', 'st_ctime'):
            attrs[k] = attrs.pop(k + '_ns')
        return attrs

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self.real(path))

    def readlink(self, path):
        return os.readlink(self.real(path))

    def statfs(self, path):
        sv = os.statvfs(self.real(path))
        keys = ('f_bavail', 'f_bfree', 'f_blocks', 'f_bsize', 'f_favail', 'f_ffree', 'f_files',
                'f_flag', 'f_frsize', 'f_namemax')
        return {k: getattr(sv, k) for k in keys}

    def open(self, path, fi):
        fd = os.open(self.real(path), fi.flags & ~os.O_DIRECT)
        self.opened(path, fi, fd)
        return 0

    def create(self, path, mode, fi):
        self.d.before_dir_change(self.parent(path))
        fd = os.open(self.real(path), (fi.flags & ~os.O_DIRECT) | os.O_CREAT, mode)
        os.fchown(fd, *fuse_get_context()[:2])
        self.d.new_file(fd)
        self.opened(path, fi, fd)
        return 0

    def opened(self, path, fi, fd):
        fi.fh = fd
        fi.direct_io = 0 if path.endswith(SHM_SUFFIX) else 1
        fi.keep_cache = 0

    def read(self, path, size, offset, fi):
        return os.pread(fi.fh, size, offset)

    # -- file data
    def write(self, path, data, offset, fi):
        self.counts['writes'] += 1
        self.d.before_write(fi.fh, offset, len(data))
        return os.pwrite(fi.fh, data, offset)

    def truncate(self, path, length, fh=None):
        if fh is not None:
            self.d.before_truncate(fh.fh, length)
            os.ftruncate(fh.fh, length)
            return
        fd = os.open(self.real(path), os.O_RDWR)
        try:
            self.d.before_truncate(fd, length)
            os.ftruncate(fd, length)
        finally:
            os.close(fd)

    def fsync(self, path, datasync, fi):
        self.counts['fsyncs'] += 1
        self.d.file_synced(fi.fh, datasync)

    def flush(self, path, fi):
        return 0

    def release(self, path, fi):
        os.close(fi.fh)

    def chmod(self, path, mode):
        self.d.before_chmod(self.real(path))
        os.chmod(self.real(path), mode)

    def chown(self, path, uid, gid):
        os.lchown(self.real(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self.real(path), ns=times, follow_symlinks=False)

    # -- names
    def fsyncdir(self, path, datasync, fh):
        self.counts['dirsyncs'] += 1
        self.d.dir_synced(self.real(path))

    def mkdir(self, path, mode):
        self.d.before_dir_change(self.parent(path))
        os.mkdir(self.real(path), mode)
        os.lchown(self.real(path), *fuse_get_context()[:2])
        self.d.new_dir(self.real(path))

    def rmdir(self, path):
        real = self.real(path)
        self.d.before_dir_change(self.parent(path))
        self.d.before_dir_change(real)
        if os.listdir(real):
            raise FuseOSError(errno.ENOTEMPTY)
        os.rename(real, os.path.join(self.d.graveyard, f'd{os.lstat(real).st_ino}'))

    def unlink(self, path):
        self.d.before_dir_change(self.parent(path))
        self.d.keep(self.real(path))
        os.unlink(self.real(path))

    def rename(self, old, new):
        self.d.before_dir_change(self.parent(old))
        self.d.before_dir_change(self.parent(new))
        target = self.real(new)
        if os.path.lexists(target):
            st = os.lstat(target)
            if kind_of(st.st_mode) == 'd':
                self.d.before_dir_change(target)
                if not os.listdir(target):
                    os.rename(target, os.path.join(self.d.graveyard, f'd{st.st_ino}'))
            else:
                self.d.keep(target)
        os.rename(self.real(old), target)

    def link(self, target, source):
        self.d.before_dir_change(self.parent(target))
        os.link(self.real(source), self.real(target))

    def symlink(self, target, source):
        self.d.before_dir_change(self.parent(target))
        os.symlink(source, self.real(target))
        os.lchown(self.real(target), *fuse_get_context()[:2])

    # -- the control channel
    def control(self, command):
        with self.mutex:
            if command == 'cut':
                self.frozen = True
                self.counts['cuts'] += 1
                return {'ok': True, **self.d.rollback()}
            if command == 'boot':
                self.frozen = False
                return {'ok': True}
            if command == 'stats':
                return {'ok': True, 'frozen': self.frozen, **self.counts,
                        'trackedFiles': len(self.d.files), 'trackedDirs': len(self.d.dirs)}
        return {'ok': False, 'error': f'unknown command {command!r}'}


def serve_control(fs, sock_path, mountpoint):
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sock_path)
    server.listen(4)
    while True:
        conn, _ = server.accept()
        with conn, conn.makefile('rw') as stream:
            for line in stream:
                command = line.strip()
                if command == 'exit':
                    stream.write(json.dumps({'ok': True}) + '\n')
                    stream.flush()
                    subprocess.run(['fusermount', '-u', '-z', mountpoint], check=False)
                    return
                try:
                    answer = fs.control(command)
                except Exception as err:  # the harness must hear about a failed rollback
                    answer = {'ok': False, 'error': f'{type(err).__name__}: {err}'}
                stream.write(json.dumps(answer) + '\n')
                stream.flush()


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: powercut_fs.py BACKING MOUNTPOINT CONTROL_SOCKET')
    backing, mountpoint, sock_path = sys.argv[1:]
    graveyard = os.path.join(os.path.dirname(os.path.realpath(backing)), '.graveyard')
    os.makedirs(graveyard, exist_ok=True)
    os.umask(0)  # the kernel already applied the caller's umask to every mode it passes on
    fs = PowerCutFs(backing, graveyard)
    threading.Thread(target=serve_control, args=(fs, sock_path, mountpoint), daemon=True).start()
    FUSE(fs, mountpoint, foreground=True, nothreads=True, raw_fi=True, use_ino=True,
         allow_other=True, default_permissions=True,
         hard_remove=True, auto_unmount=True, big_writes=True, max_write=131072, attr_timeout=0, entry_timeout=0,
         negative_timeout=0, fsname='powercut')


if __name__ == '__main__':
    main()
