/*
 * The S5FS metadata journal: write-ahead logging of every metadata block
 * (superblock, inode table, indirect blocks, free-list nodes, directory
 * and symlink blocks) in transactions, replay at mount, and ordered data.
 * The format is in fs/s5fs_disk.h; doc/fs.md ("The journal") has the
 * rules.  Images without a journal (s5s_journal_blocks 0) take none of
 * these paths: their pages are written back whenever the cache likes.
 *
 * Operations: each S5FS call that changes metadata runs between
 * s5_op_begin and s5_op_end.  All operations of a mount join the one
 * running transaction; it commits when no operation is active (so its
 * blocks are consistent), from s5_op_end once it is half the journal's
 * capacity, and from s5_tx_commit (fsync, sync, unmount).  Commit: apply
 * the frees deferred by the transaction, write the files' dirty data
 * (ordered mode), FLUSH, write the descriptor, the copies and the commit
 * record, FLUSH (the transaction is now durable), then write the blocks
 * home (checkpoint).  The next commit's first FLUSH makes the checkpoint
 * durable before its log overwrites this one, so the journal holds one
 * transaction.  A journaled page is refused to the cache's write-back
 * (-EAGAIN) except during a checkpoint, so no uncommitted change reaches
 * its home.  Blocks freed by a transaction are reused only after it
 * commits (s5_defer_free), so nothing a committed state still uses is
 * overwritten by data of an uncommitted one.
 *
 * Locks: jr.mutex (kmutex) protects active and committing and is not
 * held across a commit's I/O; jr.lock (spinlock, innermost) protects the
 * page list, the ordered list and home_ok; the deferred frees belong to
 * alloc_mutex.  While committing, new operations wait in s5_op_begin;
 * the committer takes no vnode, bmap or directory lock, so a waiter that
 * holds one cannot block it.
 */
#include "s5fs_priv.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "util/debug.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define S5_DEFER_INIT 64u	/* first size of the deferred-free array */
#define S5_LOW_FREE 256u	/* free blocks below which deferred frees commit soon */

static s5_journal_t *JR(s5fs_t *s5) { return &s5->jr; }

bool s5_journaled(s5fs_t *s5)
{
	return s5->jr.blocks != 0;
}

/* ---- replay at mount ---------------------------------------------------- */

/* Reads journal block off into buf. */
static int jread(blockdev_t *bd, uint32_t start, uint32_t off, void *buf)
{
	return blockdev_read_blocks(bd, start + off, 1, buf);
}

static int jwrite(blockdev_t *bd, uint32_t start, uint32_t off, const void *buf)
{
	return blockdev_write_blocks(bd, start + off, 1, buf);
}

/* Checks the last transaction in the journal: 1 if it is committed and
 * intact (desc holds its descriptor), 0 if there is none or it is
 * incomplete, -EUCLEAN if its commit record does not match its contents
 * (reported).  page is scratch. */
static int check_tx(s5fs_t *s5, const s5_jheader_t *jh, s5_jdesc_t *desc, void *page)
{
	s5_journal_t *jr = JR(s5);
	const char *dev = s5->fs.fs_devname;
	int rc = jread(s5->bd, jr->start, S5_JDESC_OFF, desc);
	if (rc < 0)
		return rc;
	if (desc->jd_magic != S5_JDESC_MAGIC || desc->jd_seq < jh->jh_seq)
		return 0;
	if (desc->jd_count == 0 || desc->jd_count > jr->capacity) {
		kprintf("s5fs: %s: journal: transaction %u has a bad block count (%u); not replayed\n",
			dev, (unsigned)desc->jd_seq, (unsigned)desc->jd_count);
		return -EUCLEAN;
	}
	if ((rc = jread(s5->bd, jr->start, S5_JLOG_OFF + desc->jd_count, page)) < 0)
		return rc;
	const s5_jcommit_t *jc = page;
	if (jc->jc_magic != S5_JCOMMIT_MAGIC || jc->jc_seq != desc->jd_seq ||
	    jc->jc_count != desc->jd_count) {
		kprintf("s5fs: %s: journal: transaction %u was not committed; discarded\n", dev,
			(unsigned)desc->jd_seq);
		return 0;
	}
	uint32_t want = jc->jc_crc;
	uint32_t crc = s5_crc32_update(S5_CRC32_INIT, desc, S5_BLOCK_SIZE);
	for (uint32_t i = 0; i < desc->jd_count; i++) {
		uint32_t home = desc->jd_home[i];
		if (home >= s5->nblocks || (home >= jr->start && home < jr->start + jr->blocks)) {
			kprintf("s5fs: %s: journal: transaction %u names block %u; not replayed\n",
				dev, (unsigned)desc->jd_seq, (unsigned)home);
			return -EUCLEAN;
		}
		if ((rc = jread(s5->bd, jr->start, S5_JLOG_OFF + i, page)) < 0)
			return rc;
		crc = s5_crc32_update(crc, page, S5_BLOCK_SIZE);
	}
	if ((crc ^ S5_CRC32_INIT) != want) {
		kprintf("s5fs: %s: journal: transaction %u fails its checksum; not replayed\n", dev,
			(unsigned)desc->jd_seq);
		return -EUCLEAN;
	}
	return 1;
}

static int replay_tx(s5fs_t *s5, const s5_jdesc_t *desc, void *page)
{
	for (uint32_t i = 0; i < desc->jd_count; i++) {
		int rc = jread(s5->bd, JR(s5)->start, S5_JLOG_OFF + i, page);
		if (rc == 0)
			rc = blockdev_write_blocks(s5->bd, desc->jd_home[i], 1, page);
		if (rc < 0)
			return rc;
	}
	return blockdev_flush(s5->bd);
}

/* Whether the journal fields of sb (block 0 as read) make sense. */
static const char *journal_fields_problem(const s5_super_t *sb, uint32_t dev_blocks)
{
	uint32_t table_end = sb->s5s_inode_start + sb->s5s_inode_blocks;
	if (sb->s5s_journal_blocks == 0)
		return sb->s5s_journal_start ? "journal start without a journal" : NULL;
	if (sb->s5s_journal_start != table_end || sb->s5s_journal_blocks < S5_JOURNAL_MIN ||
	    (uint64_t)table_end + sb->s5s_journal_blocks != sb->s5s_data_start ||
	    sb->s5s_nblocks > dev_blocks || sb->s5s_data_start >= sb->s5s_nblocks)
		return "journal out of place";
	return NULL;
}

int s5_journal_open(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	const char *dev = s5->fs.fs_devname;
	uint8_t *sbuf = frame_alloc(), *page = frame_alloc(), *dbuf = frame_alloc();
	int rc = -ENOMEM;
	if (!sbuf || !page || !dbuf)
		goto out;
	if ((rc = blockdev_read_blocks(s5->bd, S5_SUPER_BLOCK, 1, sbuf)) < 0)
		goto out;
	const s5_super_t *sb = (const s5_super_t *)sbuf;
	rc = 0;
	if (sb->s5s_magic != S5_MAGIC || sb->s5s_version != S5_VERSION ||
	    sb->s5s_journal_blocks == 0)
		goto out;	/* no journal (or no S5FS: the caller says so) */
	const char *problem = journal_fields_problem(sb, blockdev_nblocks(s5->bd));
	if (problem) {
		kprintf("s5fs: %s: refusing to mount: %s\n", dev, problem);
		rc = -EINVAL;
		goto out;
	}
	jr->start = sb->s5s_journal_start;
	jr->blocks = sb->s5s_journal_blocks;
	jr->capacity = s5_journal_capacity(jr->blocks);
	s5->nblocks = sb->s5s_nblocks;
	s5_jheader_t *jh = (s5_jheader_t *)dbuf;
	if ((rc = jread(s5->bd, jr->start, S5_JHEADER_OFF, dbuf)) < 0)
		goto out;
	if (jh->jh_magic != S5_JOURNAL_MAGIC || jh->jh_version != S5_JOURNAL_VERSION ||
	    jh->jh_blocks != jr->blocks) {
		kprintf("s5fs: %s: refusing to mount: the journal header is damaged; run fsck.s5fs\n",
			dev);
		rc = -EINVAL;
		goto out;
	}
	s5_jheader_t head = *jh;
	s5_jdesc_t *desc = (s5_jdesc_t *)dbuf;
	int st = check_tx(s5, &head, desc, page);
	if (st < 0 && st != -EUCLEAN) {
		rc = st;
		goto out;
	}
	jr->seq = head.jh_seq;
	if (desc->jd_magic == S5_JDESC_MAGIC && desc->jd_seq >= jr->seq)
		jr->seq = desc->jd_seq + 1;	/* never reuse a number found on disk */
	if (st == 1) {
		kprintf("s5fs: %s: journal: replaying transaction %u (%u blocks)\n", dev,
			(unsigned)desc->jd_seq, (unsigned)desc->jd_count);
		if ((rc = replay_tx(s5, desc, page)) < 0) {
			kprintf("s5fs: %s: journal: replay failed (%d)\n", dev, rc);
			goto out;
		}
		jr->replays++;
	}
	if (jr->seq != head.jh_seq) {
		memset(page, 0, PAGE_SIZE);
		head.jh_seq = jr->seq;
		memcpy(page, &head, sizeof(head));
		if ((rc = jwrite(s5->bd, jr->start, S5_JHEADER_OFF, page)) == 0)
			rc = blockdev_flush(s5->bd);
	}
out:
	if (sbuf)
		frame_free(sbuf);
	if (page)
		frame_free(page);
	if (dbuf)
		frame_free(dbuf);
	if (rc == 0 && jr->blocks) {
		jr->pages = kzalloc(jr->capacity * sizeof(pframe_t *));
		jr->buf = frame_alloc();
		if (!jr->pages || !jr->buf)
			rc = -ENOMEM;
	}
	if (rc < 0)
		s5_journal_close(s5);
	return rc;
}

void s5_journal_init(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	kmutex_init(&jr->mutex, "s5fs journal");
	kcond_init(&jr->cond, "s5fs journal quiet");
	spinlock_init(&jr->lock, "s5fs journal lists");
	list_init(&jr->ordered);
}

void s5_journal_close(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	KASSERT(jr->npages == 0 && list_empty(&jr->ordered),
		"s5fs journal closed with %u pages", (unsigned)jr->npages);
	kfree(jr->pages);
	jr->pages = NULL;
	if (jr->buf)
		frame_free(jr->buf);
	jr->buf = NULL;
	kfree(s5->deferred);
	s5->deferred = NULL;
	s5->ndeferred = s5->deferred_cap = 0;
	jr->blocks = 0;
}

/* ---- recording what a transaction changes ------------------------------- */

void s5_tx_add_page(s5fs_t *s5, pframe_t *pf)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return;
	pframe_pin(pf);
	bool keep = false;
	spin_lock(&jr->lock);
	bool dup = false;
	for (uint32_t i = 0; i < jr->npages && !dup; i++)
		dup = jr->pages[i] == pf;
	if (!dup && jr->npages < jr->capacity) {
		jr->pages[jr->npages++] = pf;
		keep = true;
	} else if (!dup) {
		jr->overflow = true;	/* commit writes it through (see commit) */
	}
	spin_unlock(&jr->lock);
	if (!keep)
		pframe_unpin(pf);
}

void s5_tx_add_vnode(s5fs_t *s5, vnode_t *vn)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return;
	spin_lock(&jr->lock);
	if (!VI(vn)->tx_listed) {
		VI(vn)->tx_listed = true;
		list_insert_tail(&jr->ordered, &VI(vn)->tx_link);
	}
	spin_unlock(&jr->lock);
}

/* Drops the listed pages of object o numbered first <= n < end. */
static void forget_pages(s5fs_t *s5, mmobj_t *o, uint32_t first, uint32_t end)
{
	s5_journal_t *jr = JR(s5);
	pframe_t *drop[S5_FORGET_BATCH];
	for (;;) {
		uint32_t n = 0;
		spin_lock(&jr->lock);
		for (uint32_t i = 0; i < jr->npages && n < S5_FORGET_BATCH;) {
			pframe_t *pf = jr->pages[i];
			if (pf->pf_obj == o && pf->pf_pagenum >= first && pf->pf_pagenum < end) {
				drop[n++] = pf;
				jr->pages[i] = jr->pages[--jr->npages];
			} else {
				i++;
			}
		}
		spin_unlock(&jr->lock);
		for (uint32_t i = 0; i < n; i++)
			pframe_unpin(drop[i]);
		if (n < S5_FORGET_BATCH)
			return;
	}
}

void s5_tx_forget_block(s5fs_t *s5, uint32_t b)
{
	if (s5_journaled(s5))
		forget_pages(s5, &s5->dev_obj, b, b + 1);
}

void s5_tx_forget_vnode(s5fs_t *s5, vnode_t *vn, bool pages)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return;
	if (pages)
		forget_pages(s5, &vn->vn_mmobj, 0, UINT32_MAX);
	spin_lock(&jr->lock);
	if (VI(vn)->tx_listed) {
		VI(vn)->tx_listed = false;
		list_remove(&VI(vn)->tx_link);
	}
	spin_unlock(&jr->lock);
}

bool s5_tx_holds_vnode(s5fs_t *s5, vnode_t *vn)
{
	s5_journal_t *jr = JR(s5);
	bool held = false;
	spin_lock(&jr->lock);
	for (uint32_t i = 0; i < jr->npages && !held; i++)
		held = jr->pages[i]->pf_obj == &vn->vn_mmobj;
	spin_unlock(&jr->lock);
	return held;
}

bool s5_tx_home_ok(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return true;
	spin_lock(&jr->lock);
	bool ok = jr->home_ok;
	spin_unlock(&jr->lock);
	return ok;
}

static void set_home_ok(s5_journal_t *jr, bool ok)
{
	spin_lock(&jr->lock);
	jr->home_ok = ok;
	spin_unlock(&jr->lock);
}

/* Block b, freed by the running transaction, goes back to the free list
 * when it commits.  alloc_mutex held.  false: not journaled (or no
 * memory for the list): the caller frees it now. */
bool s5_defer_free(s5fs_t *s5, uint32_t b)
{
	if (!s5_journaled(s5) || JR(s5)->applying)
		return false;
	if (s5->ndeferred == s5->deferred_cap) {
		uint32_t cap = s5->deferred_cap ? s5->deferred_cap * 2 : S5_DEFER_INIT;
		uint32_t *n = kmalloc(cap * sizeof(uint32_t));
		if (!n)
			return false;
		if (s5->ndeferred)
			memcpy(n, s5->deferred, s5->ndeferred * sizeof(uint32_t));
		kfree(s5->deferred);
		s5->deferred = n;
		s5->deferred_cap = cap;
	}
	s5->deferred[s5->ndeferred++] = b;
	return true;
}

/* ---- operations and commit --------------------------------------------- */

/* Whether the running transaction should commit at the next quiet
 * moment: half the journal used, or blocks it freed are needed (the disk
 * is nearly full without them). */
static bool tx_big(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	spin_lock(&jr->lock);
	bool big = jr->npages >= jr->capacity / 2 || jr->overflow;
	spin_unlock(&jr->lock);
	kmutex_lock(&s5->alloc_mutex);
	big |= s5->ndeferred > 0 && s5->sb &&
	       s5->sb->s5s_free_blocks < s5->ndeferred + S5_LOW_FREE;
	kmutex_unlock(&s5->alloc_mutex);
	return big;
}

static int commit_quiet(s5fs_t *s5);

void s5_op_begin(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return;
	kmutex_lock(&jr->mutex);
	while (jr->committing)
		kcond_wait(&jr->cond, &jr->mutex);
	if (jr->active == 0 && tx_big(s5)) {
		jr->committing = true;
		kmutex_unlock(&jr->mutex);
		commit_quiet(s5);
		kmutex_lock(&jr->mutex);
		jr->committing = false;
		kcond_broadcast(&jr->cond);
	}
	jr->active++;
	kmutex_unlock(&jr->mutex);
}

void s5_op_end(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return;
	kmutex_lock(&jr->mutex);
	KASSERT(jr->active > 0, "s5fs: journal operation ended twice");
	if (--jr->active == 0) {
		if (tx_big(s5) || jr->commit_wanted) {
			jr->committing = true;
			jr->commit_wanted = false;
			kmutex_unlock(&jr->mutex);
			commit_quiet(s5);
			kmutex_lock(&jr->mutex);
			jr->committing = false;
		}
		kcond_broadcast(&jr->cond);
	}
	kmutex_unlock(&jr->mutex);
}

int s5_tx_commit(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return blockdev_flush(s5->bd);
	kmutex_lock(&jr->mutex);
	while (jr->committing || jr->active > 0) {
		jr->commit_wanted = true;
		kcond_wait(&jr->cond, &jr->mutex);
	}
	jr->committing = true;
	kmutex_unlock(&jr->mutex);
	int rc = commit_quiet(s5);
	kmutex_lock(&jr->mutex);
	jr->committing = false;
	kcond_broadcast(&jr->cond);
	kmutex_unlock(&jr->mutex);
	return rc;
}

/* Puts the deferred frees back on the free list while the transaction
 * has room for the pages that may change (a chain node each); the rest
 * wait for the next commit.  Returns how many are left. */
static uint32_t apply_deferred(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	kmutex_lock(&s5->alloc_mutex);
	jr->applying = true;
	while (s5->ndeferred > 0) {
		spin_lock(&jr->lock);
		bool room = jr->npages + S5_DEFER_PAGES <= jr->capacity;
		spin_unlock(&jr->lock);
		if (!room)
			break;
		uint32_t b = s5->deferred[--s5->ndeferred];
		kmutex_unlock(&s5->alloc_mutex);
		s5_free_block(s5, b);
		kmutex_lock(&s5->alloc_mutex);
	}
	jr->applying = false;
	uint32_t left = s5->ndeferred;
	if (!left) {		/* no memory kept between transactions */
		kfree(s5->deferred);
		s5->deferred = NULL;
		s5->deferred_cap = 0;
	}
	kmutex_unlock(&s5->alloc_mutex);
	return left;
}

/* Ordered data: every listed file's dirty pages go to disk (journaled
 * directory pages refuse, and are logged instead). */
static int write_ordered(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	int first = 0;
	spin_lock(&jr->lock);
	while (!list_empty(&jr->ordered)) {
		s5_vinfo_t *vi = list_entry(jr->ordered.next, s5_vinfo_t, tx_link);
		vi->tx_listed = false;
		list_remove(&vi->tx_link);
		spin_unlock(&jr->lock);
		/* quiet: no delete_vnode runs, so vi->vn stays */
		int rc = pframe_sync_obj(&vi->vn->vn_mmobj);
		if (rc < 0 && !first)
			first = rc;
		spin_lock(&jr->lock);
	}
	spin_unlock(&jr->lock);
	return first;
}

static uint32_t page_home(s5fs_t *s5, pframe_t *pf)
{
	return pf->pf_obj == &s5->dev_obj ? pf->pf_pagenum : pf->pf_private;
}

/* Writes the listed pages home and empties the list (after the commit
 * record is durable, or in place of a journal on overflow). */
static int checkpoint(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	int first = 0;
	set_home_ok(jr, true);
	for (uint32_t i = 0; i < jr->npages; i++) {
		pframe_t *pf = jr->pages[i];
		/* a page removed with its vnode still holds a committed block */
		int rc = pframe_removed(pf)
				 ? blockdev_write_blocks(s5->bd, page_home(s5, pf), 1, pf->pf_addr)
				 : pframe_clean(pf);
		if (rc < 0 && !first)
			first = rc;
	}
	set_home_ok(jr, false);
	spin_lock(&jr->lock);
	uint32_t n = jr->npages;
	jr->npages = 0;
	spin_unlock(&jr->lock);
	for (uint32_t i = 0; i < n; i++)
		pframe_unpin(jr->pages[i]);
	return first;
}

/* Writes descriptor, copies and commit record; durable on return. */
static int write_log(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	s5_jdesc_t *desc = jr->buf;
	memset(desc, 0, PAGE_SIZE);
	desc->jd_magic = S5_JDESC_MAGIC;
	desc->jd_seq = jr->seq;
	desc->jd_count = jr->npages;
	for (uint32_t i = 0; i < jr->npages; i++)
		desc->jd_home[i] = page_home(s5, jr->pages[i]);
	uint32_t crc = s5_crc32_update(S5_CRC32_INIT, desc, S5_BLOCK_SIZE);
	int rc = jwrite(s5->bd, jr->start, S5_JDESC_OFF, desc);
	for (uint32_t i = 0; rc == 0 && i < jr->npages; i++) {
		void *data = jr->pages[i]->pf_addr;
		crc = s5_crc32_update(crc, data, S5_BLOCK_SIZE);
		rc = jwrite(s5->bd, jr->start, S5_JLOG_OFF + i, data);
	}
	if (rc < 0)
		return rc;
	s5_jcommit_t *jc = jr->buf;
	memset(jc, 0, PAGE_SIZE);
	jc->jc_magic = S5_JCOMMIT_MAGIC;
	jc->jc_seq = jr->seq;
	jc->jc_count = jr->npages;
	jc->jc_crc = crc ^ S5_CRC32_INIT;
	if ((rc = jwrite(s5->bd, jr->start, S5_JLOG_OFF + jr->npages, jc)) == 0)
		rc = blockdev_flush(s5->bd);
	if (rc == 0) {
		jr->seq++;
		jr->commits++;
		jr->logged += jr->npages;
	}
	return rc;
}

/* One commit; no operation is active and new ones wait.  Loops while
 * deferred frees are left over for lack of room. */
static int commit_quiet(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	int rc;
	for (;;) {
		uint32_t left = apply_deferred(s5);
		spin_lock(&jr->lock);
		bool overflow = jr->overflow;
		jr->overflow = false;
		spin_unlock(&jr->lock);
		if (overflow) {
			/* More blocks than the journal holds: written in place, not
			 * atomically (doc/fs.md).  Nothing normal gets here. */
			kprintf("s5fs: %s: journal: transaction too large; writing it in place\n",
				s5->fs.fs_devname);
			set_home_ok(jr, true);
			rc = write_ordered(s5);
			int rc2 = pframe_sync_obj(&s5->dev_obj);
			set_home_ok(jr, false);
			int rc3 = checkpoint(s5);
			int rc4 = blockdev_flush(s5->bd);
			rc = rc < 0 ? rc : rc2 < 0 ? rc2 : rc3 < 0 ? rc3 : rc4;
			if (rc < 0 || left == 0)
				break;
			continue;
		}
		int data_rc = write_ordered(s5);
		if ((rc = blockdev_flush(s5->bd)) < 0)	/* data, and the last checkpoint */
			break;
		spin_lock(&jr->lock);
		bool empty = jr->npages == 0;
		spin_unlock(&jr->lock);
		if (!empty) {
			rc = write_log(s5);
			if (rc == 0)
				rc = checkpoint(s5);
		}
		if (rc == 0)
			rc = data_rc;
		if (rc < 0 || left == 0)
			break;
	}
	if (rc < 0)
		kprintf("s5fs: %s: journal: commit failed (%d)\n", s5->fs.fs_devname, rc);
	return rc;
}

int s5_journal_finish(s5fs_t *s5)
{
	s5_journal_t *jr = JR(s5);
	if (!jr->blocks)
		return blockdev_flush(s5->bd);
	int rc = s5_tx_commit(s5);
	if (rc < 0)
		return rc;
	/* mark every transaction done: the next mount replays nothing */
	s5_jheader_t *jh = jr->buf;
	memset(jh, 0, PAGE_SIZE);
	jh->jh_magic = S5_JOURNAL_MAGIC;
	jh->jh_version = S5_JOURNAL_VERSION;
	jh->jh_blocks = jr->blocks;
	jh->jh_seq = jr->seq;
	if ((rc = blockdev_flush(s5->bd)) == 0 &&
	    (rc = jwrite(s5->bd, jr->start, S5_JHEADER_OFF, jh)) == 0)
		rc = blockdev_flush(s5->bd);
	return rc;
}

void s5_journal_stats(fs_t *fs, s5_journal_stats_t *st)
{
	s5_journal_t *jr = JR(S5FS(fs));
	st->blocks = jr->blocks;
	st->capacity = jr->capacity;
	st->seq = jr->seq;
	st->commits = jr->commits;
	st->logged = jr->logged;
	st->replays = jr->replays;
	spin_lock(&jr->lock);
	st->pending = jr->npages;
	spin_unlock(&jr->lock);
}
