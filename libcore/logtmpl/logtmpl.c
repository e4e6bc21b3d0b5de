/* logtmpl.c - the parse tree, template matching, updating and merging
 * (logtmpl.h says what the miner does). */
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"
#include "logtmpl/logtmpl_impl.h"

#define LT_MAX_DEPTH 16
#define LT_NOCHILD UINT32_MAX
#define LT_SKEL_MIN 2   /* constant tokens a skeleton needs to merge templates */

/* A template token; wild = <*>.  Text in the template's own bytes. */
typedef struct ttok {
    uint64_t h;
    uint32_t off, len;
    int wild, var;      /* generalised to <*>; holds a masked variable */
} ttok;

typedef struct tmpl {
    ttok *tok;          /* NULL once merged away (or for the overflow template) */
    char *text;         /* token bytes */
    uint32_t ntok;
    uint32_t leaf;      /* parse-tree node holding it */
    uint64_t hits;      /* counted at the canonical template */
    uint64_t skel;      /* hash of its constant tokens, 0 if fewer than LT_SKEL_MIN */
} tmpl;

typedef struct node {
    uint32_t nchild;
    uint32_t wild;      /* the <*> child, LT_NOCHILD if none */
    uint32_t *tmpls;    /* leaf: live template ids */
    size_t ntmpl, tcap;
} node;

/* (parent node, token hash) -> child node: open addressing */
typedef struct edge {
    uint64_t h;
    uint32_t parent, child;   /* child LT_NOCHILD = empty slot */
} edge;

typedef struct etab {
    edge *e;
    size_t n, cap;            /* cap a power of two */
} etab;

struct aiops_logtmpl {
    aiops_logtmpl_opts o;
    tmpl *t;                  /* by id; t[0] the overflow template */
    uint32_t *up;             /* by id: what it was merged into (itself if live) */
    size_t nt, tcap, ucap, live, max_ids;
    node *nodes;
    size_t nnodes, ncap;
    etab edges;               /* the parse tree's edges */
    etab skel;                /* skeleton hash -> template id (parent 0) */
    char *scratch;            /* masked text of the message being mined */
    lt_tok toks[AIOPS_LOGTMPL_MAX_TOKENS];
};

void aiops_logtmpl_opts_default(aiops_logtmpl_opts *o)
{
    o->depth = 4;
    o->max_children = 100;
    o->max_templates = 20000;
    o->mask_digits = 1;
    o->wild_similar = 1;
    o->min_variants = 6;
    o->sim = 0.9;
}

static uint32_t node_add(aiops_logtmpl *t)
{
    if (AIOPS_GROW(t->nodes, t->ncap, t->nnodes + 1))
        return LT_NOCHILD;
    node *n = &t->nodes[t->nnodes];
    memset(n, 0, sizeof *n);
    n->wild = LT_NOCHILD;
    return (uint32_t)t->nnodes++;
}

static size_t edge_slot(const etab *t, uint32_t parent, uint64_t h)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)((h ^ ((uint64_t)parent * 0x9E3779B97F4A7C15ULL)) * AIOPS_FNV_PRIME >> 17) & mask;
    while (t->e[i].child != LT_NOCHILD && (t->e[i].parent != parent || t->e[i].h != h))
        i = (i + 1) & mask;
    return i;
}

static uint32_t edge_get(const etab *t, uint32_t parent, uint64_t h)
{
    return t->e[edge_slot(t, parent, h)].child;
}

static int edges_alloc(etab *t, size_t cap)
{
    t->e = malloc(cap * sizeof *t->e);
    if (!t->e)
        return AIOPS_ENOMEM;
    t->cap = cap;
    for (size_t i = 0; i < cap; i++)
        t->e[i].child = LT_NOCHILD;
    return 0;
}

/* set (parent, h) -> child, replacing what was there */
static int edge_put(etab *t, uint32_t parent, uint64_t h, uint32_t child)
{
    if ((t->n + 1) * 2 > t->cap) {
        etab old = *t;
        if (edges_alloc(t, old.cap * 2)) {
            *t = old;
            return AIOPS_ENOMEM;
        }
        for (size_t i = 0; i < old.cap; i++)
            if (old.e[i].child != LT_NOCHILD)
                t->e[edge_slot(t, old.e[i].parent, old.e[i].h)] = old.e[i];
        free(old.e);
    }
    edge *e = &t->e[edge_slot(t, parent, h)];
    t->n += e->child == LT_NOCHILD;
    *e = (edge){h, parent, child};
    return 0;
}

int aiops_logtmpl_new(aiops_logtmpl **out, const aiops_logtmpl_opts *o, aiops_err *err)
{
    aiops_logtmpl_opts d;
    *out = NULL;
    if (!o)
        aiops_logtmpl_opts_default(&d), o = &d;
    if (o->depth < 3 || o->depth > LT_MAX_DEPTH)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "template depth %d: expected 3 to %d",
                             o->depth, LT_MAX_DEPTH);
    if (!(o->sim > 0 && o->sim <= 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "template similarity %g: expected a number in (0, 1]", o->sim);
    if (o->max_children < 1 || o->max_templates < 1 || o->max_templates > UINT32_MAX / 8)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "template caps: expected max_children and max_templates >= 1");
    aiops_logtmpl *t = calloc(1, sizeof *t);
    if (!t)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    t->o = *o;
    t->max_ids = 4 * o->max_templates + 1;
    t->scratch = malloc(LT_OUT_CAP(AIOPS_LOGTMPL_MAX_MSG));
    if (!t->scratch || edges_alloc(&t->edges, 1024) || edges_alloc(&t->skel, 256) || node_add(t) == LT_NOCHILD ||
        AIOPS_GROW_ZERO(t->t, t->tcap, 1) || AIOPS_GROW(t->up, t->ucap, 1)) {
        aiops_logtmpl_free(t);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    t->nt = 1;   /* id 0: the overflow template */
    t->up[0] = 0;
    *out = t;
    return 0;
}

void aiops_logtmpl_free(aiops_logtmpl *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nt; i++)
        free(t->t[i].tok), free(t->t[i].text);
    for (size_t i = 0; i < t->nnodes; i++)
        free(t->nodes[i].tmpls);
    free(t->t);
    free(t->up);
    free(t->nodes);
    free(t->edges.e);
    free(t->skel.e);
    free(t->scratch);
    free(t);
}

/* Walk (create) the tree path of the masked message; LT_NOCHILD when
 * walking finds no leaf. */
static uint32_t tree_leaf(aiops_logtmpl *t, size_t nt, int create)
{
    uint32_t cur = 0, next;
    uint64_t hlen = (uint64_t)nt | (1ULL << 63);
    next = edge_get(&t->edges, cur, hlen);
    if (next == LT_NOCHILD) {
        if (!create || (next = node_add(t)) == LT_NOCHILD || edge_put(&t->edges, cur, hlen, next))
            return LT_NOCHILD;
        t->nodes[cur].nchild++;
    }
    cur = next;
    size_t levels = (size_t)t->o.depth - 2;
    for (size_t i = 0; i < levels && i < nt; i++) {
        const lt_tok *k = &t->toks[i];
        node *n = &t->nodes[cur];
        next = k->var ? LT_NOCHILD : edge_get(&t->edges, cur, k->h);
        if (next == LT_NOCHILD) {
            int to_wild = k->var || n->nchild >= (uint32_t)t->o.max_children;
            if (!create)
                next = n->wild;   /* an unknown token can still match a <*> branch */
            else if (to_wild) {
                if (n->wild == LT_NOCHILD) {
                    if ((next = node_add(t)) == LT_NOCHILD)
                        return LT_NOCHILD;
                    t->nodes[cur].wild = next;
                }
                next = t->nodes[cur].wild;
            } else {
                if ((next = node_add(t)) == LT_NOCHILD || edge_put(&t->edges, cur, k->h, next))
                    return LT_NOCHILD;
                t->nodes[cur].nchild++;
            }
            if (next == LT_NOCHILD)
                return LT_NOCHILD;
        }
        cur = next;
    }
    return cur;
}

static int tok_eq(const tmpl *p, uint32_t i, const lt_tok *k, const char *s)
{
    const ttok *a = &p->tok[i];
    return !a->wild && a->h == k->h && a->len == k->len && !memcmp(p->text + a->off, s + k->off, k->len);
}

/* Best template of the leaf for the message: id or 0 if none reaches sim */
static uint32_t leaf_best(const aiops_logtmpl *t, uint32_t leaf, size_t nt)
{
    const node *n = &t->nodes[leaf];
    uint32_t best = 0;
    double best_sim = -1;
    uint32_t best_wild = 0;
    for (size_t j = 0; j < n->ntmpl; j++) {
        const tmpl *p = &t->t[n->tmpls[j]];
        uint32_t same = 0, wild = 0;
        for (uint32_t i = 0; i < p->ntok; i++) {
            if (p->tok[i].wild) {
                wild++;
                same += t->o.wild_similar != 0;
            } else
                same += tok_eq(p, i, &t->toks[i], t->scratch);
        }
        double sim = nt ? (double)same / nt : 1;
        if (sim > best_sim || (sim == best_sim && wild > best_wild))
            best = n->tmpls[j], best_sim = sim, best_wild = wild;
    }
    return best_sim >= t->o.sim ? best : 0;
}

/* Skeleton: the hash of the constant tokens in order (0 if fewer than
 * LT_SKEL_MIN).  Templates with one skeleton are one event whatever the
 * number of variables between the constants ("(1.2 KB)" present or not). */
static uint64_t skel_msg(const aiops_logtmpl *t, size_t nt)
{
    uint64_t h = AIOPS_FNV_OFFSET;
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        if (!t->toks[i].var)
            h = aiops_fnv1a(h, &t->toks[i].h, sizeof t->toks[i].h), k++;
    return k >= LT_SKEL_MIN ? h | 1 : 0;
}

static uint64_t skel_tmpl(const tmpl *p)
{
    uint64_t h = AIOPS_FNV_OFFSET;
    size_t k = 0;
    for (uint32_t i = 0; i < p->ntok; i++)
        if (!p->tok[i].wild && !p->tok[i].var)
            h = aiops_fnv1a(h, &p->tok[i].h, sizeof p->tok[i].h), k++;
    return k >= LT_SKEL_MIN ? h | 1 : 0;
}

/* The live template with skeleton sk, or 0. */
static uint32_t skel_find(const aiops_logtmpl *t, uint64_t sk)
{
    if (!sk)
        return 0;
    uint32_t id = edge_get(&t->skel, 0, sk);
    if (id == LT_NOCHILD)
        return 0;
    if (t->t[id].tok && t->t[id].skel == sk)
        return aiops_logtmpl_canon(t, id);
    return 0;
}

/* Make b's canonical template part of a's. */
static void join(aiops_logtmpl *t, uint32_t a, uint32_t b)
{
    a = aiops_logtmpl_canon(t, a), b = aiops_logtmpl_canon(t, b);
    if (a == b)
        return;
    t->t[a].hits += t->t[b].hits;
    t->t[b].hits = 0;
    t->up[b] = a;
    t->live--;
}

static int tmpl_create(aiops_logtmpl *t, uint32_t leaf, size_t nt, uint64_t sk, uint32_t *id)
{
    size_t bytes = 0;
    for (size_t i = 0; i < nt; i++)
        bytes += t->toks[i].len;
    if (AIOPS_GROW_ZERO(t->t, t->tcap, t->nt + 1) || AIOPS_GROW(t->up, t->ucap, t->nt + 1))
        return AIOPS_ENOMEM;
    node *n = &t->nodes[leaf];
    if (AIOPS_GROW(n->tmpls, n->tcap, n->ntmpl + 1))
        return AIOPS_ENOMEM;
    uint32_t nid = (uint32_t)t->nt;
    if (sk && edge_put(&t->skel, 0, sk, nid))
        return AIOPS_ENOMEM;
    tmpl *p = &t->t[nid];
    p->tok = malloc((nt ? nt : 1) * sizeof *p->tok);
    p->text = malloc(bytes ? bytes : 1);
    if (!p->tok || !p->text) {
        free(p->tok), free(p->text);
        p->tok = NULL, p->text = NULL;
        return AIOPS_ENOMEM;
    }
    size_t o = 0;
    for (size_t i = 0; i < nt; i++) {
        const lt_tok *k = &t->toks[i];
        memcpy(p->text + o, t->scratch + k->off, k->len);
        p->tok[i] = (ttok){k->h, (uint32_t)o, k->len, 0, k->var};
        o += k->len;
    }
    p->ntok = (uint32_t)nt;
    p->leaf = leaf;
    p->hits = 1;
    p->skel = sk;
    *id = nid;
    t->up[t->nt++] = nid;
    n->tmpls[n->ntmpl++] = nid;
    t->live++;
    return 0;
}

/* a covers b: every token of a is <*> or b's token */
static int covers(const tmpl *a, const tmpl *b)
{
    for (uint32_t i = 0; i < a->ntok; i++) {
        const ttok *x = &a->tok[i], *y = &b->tok[i];
        if (x->wild)
            continue;
        if (y->wild || x->h != y->h || x->len != y->len ||
            memcmp(a->text + x->off, b->text + y->off, x->len))
            return 0;
    }
    return 1;
}

/* Template id grew more general: it absorbs the templates of its leaf it
 * covers (they leave the tree), and joins a template with its new
 * skeleton. */
static int tmpl_merge(aiops_logtmpl *t, uint32_t id)
{
    tmpl *p = &t->t[id];
    node *n = &t->nodes[p->leaf];
    for (size_t j = 0; j < n->ntmpl;) {
        uint32_t o = n->tmpls[j];
        tmpl *q = &t->t[o];
        if (o == id || q->ntok != p->ntok || !covers(p, q)) {
            j++;
            continue;
        }
        join(t, id, o);
        if (t->up[o] == o)      /* o was canonical for others: they follow id */
            t->up[o] = aiops_logtmpl_canon(t, id);
        free(q->tok), free(q->text);
        q->tok = NULL, q->text = NULL;
        n->tmpls[j] = n->tmpls[--n->ntmpl];
    }
    uint64_t sk = skel_tmpl(p);
    if (sk == p->skel)
        return 0;
    p->skel = sk;
    uint32_t other = skel_find(t, sk);
    if (other)
        join(t, other, id);
    else if (sk)
        return edge_put(&t->skel, 0, sk, id);
    return 0;
}

/* New template id: when min_variants templates of its leaf (it included)
 * differ only at one position, that position is a variable: generalise
 * them there and merge them. */
static int variants(aiops_logtmpl *t, uint32_t id)
{
    size_t k = (size_t)t->o.min_variants;
    const tmpl *c = &t->t[id];
    const node *n = &t->nodes[c->leaf];
    uint32_t cnt[AIOPS_LOGTMPL_MAX_TOKENS] = {0}, at = UINT32_MAX;
    if (k < 2)
        return 0;
    for (size_t j = 0; j < n->ntmpl; j++) {
        const tmpl *q = &t->t[n->tmpls[j]];
        uint32_t diff = 0, pos = 0;
        if (n->tmpls[j] == id || q->ntok != c->ntok)
            continue;
        for (uint32_t i = 0; i < q->ntok && diff < 2; i++) {
            const ttok *x = &q->tok[i], *y = &c->tok[i];
            if (x->wild || (!y->wild && x->h == y->h && x->len == y->len &&
                            !memcmp(q->text + x->off, c->text + y->off, x->len)))
                continue;
            diff++, pos = i;
        }
        if (diff == 1 && ++cnt[pos] + 1 >= k) {
            at = pos;
            break;
        }
    }
    if (at == UINT32_MAX)
        return 0;
    t->t[id].tok[at].wild = 1;
    return tmpl_merge(t, id);
}

int aiops_logtmpl_add(aiops_logtmpl *t, const char *msg, size_t n, uint32_t *id, aiops_err *err)
{
    if (n > AIOPS_LOGTMPL_MAX_MSG)
        n = AIOPS_LOGTMPL_MAX_MSG;
    size_t nt = lt_tokenize(t->o.mask_digits, msg, n, t->scratch, t->toks);
    uint32_t leaf = tree_leaf(t, nt, 0), best = 0;
    if (leaf != LT_NOCHILD)
        best = leaf_best(t, leaf, nt);
    if (best) {
        tmpl *p = &t->t[best];
        int changed = 0;
        for (uint32_t i = 0; i < p->ntok; i++)
            if (!p->tok[i].wild && !tok_eq(p, i, &t->toks[i], t->scratch))
                p->tok[i].wild = 1, changed = 1;
        if (changed && tmpl_merge(t, best))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        *id = aiops_logtmpl_canon(t, best);
        t->t[*id].hits++;
        return 0;
    }
    uint64_t sk = skel_msg(t, nt);
    uint32_t same = skel_find(t, sk);
    if (same) {   /* the event of a known template with more or fewer variables */
        *id = same;
        t->t[same].hits++;
        return 0;
    }
    if (t->live >= t->o.max_templates || t->nt >= t->max_ids) {
        if (!t->t[0].hits)
            t->live++;
        t->t[0].hits++;
        *id = AIOPS_LOGTMPL_OVERFLOW;
        return 0;
    }
    leaf = tree_leaf(t, nt, 1);
    if (leaf == LT_NOCHILD || tmpl_create(t, leaf, nt, sk, id) || variants(t, *id))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    *id = aiops_logtmpl_canon(t, *id);
    return 1;
}

uint32_t aiops_logtmpl_canon(const aiops_logtmpl *t, uint32_t id)
{
    if (id >= t->nt)
        return id;
    while (t->up[id] != id)
        id = t->up[id];
    return id;
}

uint32_t aiops_logtmpl_id_end(const aiops_logtmpl *t)
{
    return (uint32_t)t->nt;
}

size_t aiops_logtmpl_count(const aiops_logtmpl *t)
{
    return t->live;
}

uint64_t aiops_logtmpl_hits(const aiops_logtmpl *t, uint32_t id)
{
    id = aiops_logtmpl_canon(t, id);
    return id < t->nt ? t->t[id].hits : 0;
}

int aiops_logtmpl_text(const aiops_logtmpl *t, uint32_t id, aiops_buf *out)
{
    id = aiops_logtmpl_canon(t, id);
    if (id >= t->nt)
        return AIOPS_EINVAL;
    if (id == AIOPS_LOGTMPL_OVERFLOW) {
        aiops_buf_str(out, "<overflow>");
        return 0;
    }
    const tmpl *p = &t->t[id];
    for (uint32_t i = 0; i < p->ntok; i++) {
        if (i)
            aiops_buf_put(out, " ", 1);
        if (p->tok[i].wild)
            aiops_buf_put(out, "<*>", 3);
        else
            aiops_buf_put(out, p->text + p->tok[i].off, p->tok[i].len);
    }
    if (!p->ntok)
        aiops_buf_put(out, "", 0);
    return 0;
}

int aiops_logtmpl_next(const aiops_logtmpl *t, size_t *pos, uint32_t *id)
{
    while (*pos < t->nt) {
        size_t i = (*pos)++;
        if (i == AIOPS_LOGTMPL_OVERFLOW ? t->t[0].hits > 0 : t->up[i] == i) {
            *id = (uint32_t)i;
            return 1;
        }
    }
    return 0;
}
