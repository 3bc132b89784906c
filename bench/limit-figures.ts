/**
 * The ingest bench's judgement figures, from one round's raw figures. A one-pass seal cannot be
 * faster than the slower of its two halves done alone: hashing the file (`openssl dgst` on the hot
 * file) and writing a durable copy of it (the fastest of `dd conv=fsync`, `dd oflag=direct
 * conv=fsync`, `cp` + `sync`). `seal_vs_limit` is that limit's time over the seal's (1.0: the seal
 * is as fast as the slower half alone); `seal_cpu_vs_parts` is the seal's CPU over the two halves'
 * CPU added up (1.0: one pass costs no more than its parts). `set_vs_disk_limit` is the set's
 * ingest (with verify) over the disk alone doing the same I/O: each copy written with O_DIRECT
 * while the one before is read back (bench-peers.ts, setDiskLimit).
 */
export function limitFigures(f: Readonly<Record<string, number>>): Record<string, number> {
  const get = (k: string): number => {
    const v = f[k];
    if (v === undefined) throw new Error(`the round has no figure ${k}`);
    return v;
  };
  const copies = ['copy_dd_fsync', 'copy_dd_direct', 'copy_cp_sync'];
  const fastest = copies.reduce((a, b) => (get(`${b}_s`) < get(`${a}_s`) ? b : a));
  const copyS = get(`${fastest}_s`);
  const limitS = Math.max(get('hash_only_s'), copyS);
  const seal = get('seal_mb_s');
  return {
    copy_only_s: copyS,
    copy_only_cpu_s: get(`${fastest}_cpu_s`),
    copy_only_is_direct: fastest === 'copy_dd_direct' ? 1 : 0,
    limit_s: limitS,
    limit_is_hash: get('hash_only_s') >= copyS ? 1 : 0,
    seal_vs_limit: limitS / get('seal_s'),
    seal_cpu_vs_parts: get('seal_cpu_s') / (get('hash_only_cpu_s') + get(`${fastest}_cpu_s`)),
    set_vs_seal_only: get('set_ingest_mb_s') / get('set_seal_only_mb_s'),
    set_vs_disk_limit: get('set_ingest_mb_s') / get('set_disk_limit_mb_s'),
    ratio_seal_vs_openssl: seal / get('openssl_hot_mb_s'),
    ratio_seal_vs_cp_sync_openssl: seal / get('cp_sync_openssl_mb_s'),
    ratio_seal_vs_dcfldd: seal / get('dcfldd_mb_s'),
    ratio_seal_vs_naive: seal / get('naive_pipeline_mb_s'),
    ratio_set_ingest_vs_cp_sync_openssl: get('set_ingest_mb_s') / get('set_cp_sync_openssl_mb_s'),
  };
}
