/* Compiled fast path of the VCF body reader (genomics/io/vcf.py).
 *
 * Scanner.scan(line, lineno, last_chrom, last_pos, last_dup) returns the VariantCall of an
 * ordinary bi-allelic record, or None for every line it does not take whole: another contig,
 * an unsorted or duplicate record, non-ASCII text, an unregistered FORMAT, a value outside the
 * strict grammar below, anything that would give a warning.  None is never a verdict: the
 * Python reader then reads the line itself, validates it and says what is wrong.  A taken line
 * gives exactly the call the Python reader would give; tests hold the two equal on every VCF of
 * the test data.
 *
 * Strict grammar (a subset of what the Python reader accepts): REF and ALT [ACGTNacgtn]+, POS
 * digits, QUAL '.' or a plain decimal, FILTER already seen, and per sample the FORMAT values
 * GT [/|]?[01.]([/|][01.])*[/|]?, Integer [0-9]+ and Float [0-9]+(.[0-9]*)? lists (items may
 * be '.'), String without ':'.  VAF, depth and ALT count are read as genomics.io.callers reads
 * them for the callers whose extractor carries a ``layout``: allelic depths (Mutect2, MuSE,
 * VarDict, bcftools, DRAGEN, SAGE ...), Strelka2's tier counts, VarScan2, FreeBayes and
 * SomaticSniper.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 48
#define MAX_FORMATS 32
#define MAX_KEEP 64
#define MAX_DIGITS 18
/* counts up to 2**53 convert to double exactly, so ALT/total rounds once, as Python's int
 * division does; larger ones go to the Python reader */
#define MAX_EXACT 9007199254740992LL
/* genomics.io.sniff MAX_READ_COUNT: beyond it the Python reader refuses (a POS of at most
 * MAX_DIGITS digits is always below its MAX_POSITION) */
#define MAX_READ_COUNT 2147483647LL

typedef struct {
    char *fmt;
    Py_ssize_t fmtlen;
    int nkeys;
    char types[MAX_KEYS]; /* 'G' genotype, 'I' Integer, 'F' Float, 'S' String */
    int reader;           /* one of the READ_ values below */
    int index[5];         /* the FORMAT keys each reader reads, see Scanner_add_format */
} Format;

enum {
    READ_ALLELIC_DEPTHS,
    READ_STRELKA_SNV,
    READ_STRELKA_INDEL,
    READ_VARSCAN,
    READ_FREEBAYES,
    READ_SNIPER,
    READERS
};
static const char *READER_NAMES[READERS] = {
    "allelic_depths", "strelka_snv", "strelka_indel", "varscan", "freebayes", "sniper",
};
static const int READER_KEYS[READERS] = {4, 5, 3, 4, 3, 2};

typedef struct {
    PyObject_HEAD
    Py_ssize_t ncols;
    Py_ssize_t ti, ni; /* column indexes of the tumor and normal samples (-1: none) */
    int nkeep;
    char *keep[MAX_KEEP];
    Py_ssize_t keeplen[MAX_KEEP];
    char *ann;
    Py_ssize_t annlen;
    PyObject *filters; /* dict: FILTER text -> (filters tuple, passed bool) */
    PyObject *call_class;
    int nformats;
    int last_format;
    Format formats[MAX_FORMATS];
} Scanner;

static unsigned char base_table[256];

static int is_base_run(const char *s, Py_ssize_t n)
{
    if (n <= 0)
        return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (!base_table[(unsigned char)s[i]])
            return 0;
    return 1;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* digits only, 1..MAX_DIGITS of them */
static int parse_digits(const char *s, Py_ssize_t n, long long *out)
{
    if (n <= 0 || n > MAX_DIGITS)
        return 0;
    long long v = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* [0-9]+(\.[0-9]*)?  as a double, read the way Python's float() reads it */
static int parse_decimal(const char *s, Py_ssize_t n, double *out)
{
    char buf[64];
    Py_ssize_t i = 0;
    if (n <= 0 || n >= (Py_ssize_t)sizeof(buf))
        return 0;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == 0)
        return 0;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i != n)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = PyOS_string_to_double(buf, NULL, NULL);
    if (*out == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return 1;
}

static int valid_genotype(const char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    if (i < n && (s[i] == '/' || s[i] == '|'))
        i++;
    if (i >= n || !(s[i] == '0' || s[i] == '1' || s[i] == '.'))
        return 0;
    i++;
    while (i < n) {
        if (s[i] != '/' && s[i] != '|')
            return 0;
        i++;
        if (i == n)
            return 1;
        if (!(s[i] == '0' || s[i] == '1' || s[i] == '.'))
            return 0;
        i++;
    }
    return 1;
}

/* comma-separated items, each '.' (missing), digits (Integer) or digits with an optional
 * fraction (Float) */
static int valid_numbers(const char *s, Py_ssize_t n, int fraction)
{
    Py_ssize_t i = 0;
    for (;;) {
        Py_ssize_t d = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == d) {
            if (i < n && s[i] == '.' && (i + 1 == n || s[i + 1] == ',')) {
                i++;
                if (i == n)
                    return 1;
                i++;
                continue;
            }
            return 0;
        }
        if (fraction && i < n && s[i] == '.') {
            i++;
            while (i < n && is_digit(s[i]))
                i++;
        }
        if (i == n)
            return 1;
        if (s[i] != ',')
            return 0;
        i++;
    }
}

typedef struct {
    const char *start[MAX_KEYS];
    Py_ssize_t len[MAX_KEYS];
    int n;
} Values;

/* Split one sample column on ':' and check each value against its FORMAT type. */
static int check_sample(const Format *f, const char *s, Py_ssize_t n, Values *out)
{
    Py_ssize_t i = 0;
    int k = 0;
    for (;;) {
        Py_ssize_t b = i;
        while (i < n && s[i] != ':')
            i++;
        if (k >= f->nkeys)
            return 0;
        const char *v = s + b;
        Py_ssize_t vn = i - b;
        switch (f->types[k]) {
        case 'G':
            if (!valid_genotype(v, vn))
                return 0;
            break;
        case 'I':
            if (!valid_numbers(v, vn, 0))
                return 0;
            break;
        case 'F':
            if (!valid_numbers(v, vn, 1))
                return 0;
            break;
        default:
            break;
        }
        if (out != NULL) {
            out->start[k] = v;
            out->len[k] = vn;
        }
        k++;
        if (i == n)
            break;
        i++;
    }
    if (out != NULL)
        out->n = k;
    return 1;
}

typedef struct {
    double vaf;
    int has_vaf;
    long long depth;
    int has_depth;
    long long alt_count;
    int has_alt;
} Reading;

/* The first comma-separated item of value k as digits; 0 when absent or anything else. */
static int first_count(const Values *v, int k, long long *out)
{
    if (k < 0 || k >= v->n)
        return 0;
    const char *s = v->start[k];
    const char *comma = memchr(s, ',', v->len[k]);
    return parse_digits(s, comma ? comma - s : v->len[k], out);
}

/* Value k read as genomics.io.callers' _i reads a plain count: absent, '' or '.' -> none
 * (*has = 0), digits -> the count; 0 for anything else (signs, decimals: the Python reader). */
static int optional_count(const Values *v, int k, int *has, long long *out)
{
    *has = 0;
    if (k < 0 || k >= v->n || v->len[k] == 0 || (v->len[k] == 1 && v->start[k][0] == '.'))
        return 1;
    if (!parse_digits(v->start[k], v->len[k], out))
        return 0;
    *has = 1;
    return 1;
}

/* Mutect2, MuSE, VarDict, bcftools ... (genomics.io.callers allelic_depths): AD = REF,ALT; the
 * caller's AF when in 0..1, or MuTect 1's FA, else ALT/total; DP, else the AD sum. */
static int read_allelic_depths(const Format *f, const Values *v, const char *ref,
                               Py_ssize_t refn, const char *alt, Py_ssize_t altn, Reading *r)
{
    int nv = v->n, i_ad = f->index[0], i_af = f->index[1], i_dp = f->index[2], i_fa = f->index[3];
    if (i_ad < 0 || i_ad >= nv)
        return 0;
    const char *ad = v->start[i_ad];
    Py_ssize_t adn = v->len[i_ad];
    const char *comma = memchr(ad, ',', adn);
    if (comma == NULL)
        return 0;
    long long ref_count, alt_count;
    if (!parse_digits(ad, comma - ad, &ref_count)
        || !parse_digits(comma + 1, adn - (comma - ad) - 1, &alt_count))
        return 0; /* a third count, '.' or a sign: the Python reader decides */
    long long total = ref_count + alt_count;
    if (total > MAX_EXACT)
        return 0;
    r->has_vaf = 0;
    if (i_af >= 0 && i_af < nv) {
        const char *af = v->start[i_af];
        Py_ssize_t afn = v->len[i_af];
        if (memchr(af, ',', afn) != NULL)
            return 0;
        if (!parse_decimal(af, afn, &r->vaf))
            return 0;
        if (!(r->vaf >= 0.0 && r->vaf <= 1.0))
            return 0; /* the Python reader warns and reads AD instead */
        r->has_vaf = 1;
    }
    else if (i_fa >= 0 && i_fa < nv) {
        /* MuTect 1: FA, its first value, not range-checked */
        const char *fa = v->start[i_fa];
        const char *fa_comma = memchr(fa, ',', v->len[i_fa]);
        if (!parse_decimal(fa, fa_comma ? fa_comma - fa : v->len[i_fa], &r->vaf))
            return 0;
        r->has_vaf = 1;
    }
    if (!r->has_vaf && total) {
        r->vaf = (double)alt_count / (double)total;
        r->has_vaf = 1;
    }
    r->depth = total;
    r->has_depth = 1;
    if (i_dp >= 0 && i_dp < nv && !parse_digits(v->start[i_dp], v->len[i_dp], &r->depth))
        return 0;
    r->alt_count = alt_count;
    return 1;
}

static int tier_index(char base)
{
    switch (base) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': return 3;
    default: return -1;
    }
}

/* Strelka2: tier-1 counts (the first item) of the REF and ALT base (AU/CU/GU/TU) for SNVs, of
 * TAR and TIR for indels; VAF = ALT / (REF + ALT); depth is DP (none without it). */
static int read_strelka(const Format *f, const Values *v, const char *ref, Py_ssize_t refn,
                        const char *alt, Py_ssize_t altn, Reading *r)
{
    int i_ref, i_alt, i_dp;
    if (f->reader == READ_STRELKA_SNV) {
        int rt = refn == 1 ? tier_index(ref[0]) : -1, at = altn == 1 ? tier_index(alt[0]) : -1;
        if (rt < 0 || at < 0)
            return 0;
        i_ref = f->index[rt];
        i_alt = f->index[at];
        i_dp = f->index[4];
    }
    else {
        i_ref = f->index[0];
        i_alt = f->index[1];
        i_dp = f->index[2];
    }
    long long ref_count, alt_count;
    if (!first_count(v, i_ref, &ref_count) || !first_count(v, i_alt, &alt_count))
        return 0;
    if (ref_count + alt_count > MAX_EXACT)
        return 0;
    r->alt_count = alt_count;
    r->has_vaf = ref_count + alt_count != 0;
    if (r->has_vaf)
        r->vaf = (double)alt_count / (double)(ref_count + alt_count);
    return optional_count(v, i_dp, &r->has_depth, &r->depth);
}

/* VarScan2: FREQ is a percent string ('38.46%'); AD the ALT reads alone, RD the REF reads; depth
 * is DP, else RD + AD. */
static int read_varscan(const Format *f, const Values *v, Reading *r)
{
    int i_freq = f->index[0], i_ad = f->index[1], i_dp = f->index[2], i_rd = f->index[3];
    if (i_freq < 0 || i_freq >= v->n)
        return 0;
    const char *freq = v->start[i_freq];
    Py_ssize_t freqn = v->len[i_freq];
    for (Py_ssize_t i = 0; i + 2 < freqn; i++)
        if (freq[i] == '%' && freq[i + 1] == '2' && freq[i + 2] == '5')
            return 0; /* URL-encoded '%': the Python reader */
    while (freqn > 0 && freq[freqn - 1] == '%')
        freqn--;
    r->has_vaf = 0;
    if (freqn > 0 && !(freqn == 1 && freq[0] == '.')) {
        if (!parse_decimal(freq, freqn, &r->vaf))
            return 0;
        r->vaf /= 100;
        r->has_vaf = 1;
    }
    int has_ad = 0, has_rd = 0;
    long long rd = 0;
    if (i_ad >= 0 && i_ad < v->n && memchr(v->start[i_ad], ',', v->len[i_ad]) != NULL)
        i_ad = -1; /* several values: not VarScan's ALT count */
    if (!optional_count(v, i_ad, &has_ad, &r->alt_count)
        || !optional_count(v, i_dp, &r->has_depth, &r->depth))
        return 0;
    r->has_alt = has_ad;
    if (!r->has_depth && has_ad && i_rd >= 0) {
        if (!optional_count(v, i_rd, &has_rd, &rd))
            return 0;
        if (has_rd && rd + r->alt_count <= MAX_EXACT) {
            r->depth = rd + r->alt_count;
            r->has_depth = 1;
        }
        else if (has_rd)
            return 0;
    }
    return 1;
}

/* FreeBayes: AO the ALT observations, RO the REF ones; VAF = AO / (RO + AO), depth DP, else the
 * sum. */
static int read_freebayes(const Format *f, const Values *v, Reading *r)
{
    int i_ao = f->index[0], i_ro = f->index[1], i_dp = f->index[2];
    long long ro;
    if (i_ao < 0 || i_ao >= v->n || i_ro < 0 || i_ro >= v->n)
        return 0;
    if (!parse_digits(v->start[i_ao], v->len[i_ao], &r->alt_count)
        || !parse_digits(v->start[i_ro], v->len[i_ro], &ro))
        return 0;
    long long total = ro + r->alt_count;
    if (total > MAX_EXACT)
        return 0;
    r->has_vaf = total != 0;
    if (r->has_vaf)
        r->vaf = (double)r->alt_count / (double)total;
    if (!optional_count(v, i_dp, &r->has_depth, &r->depth))
        return 0;
    if (!r->has_depth) {
        r->depth = total;
        r->has_depth = 1;
    }
    return 1;
}

/* SomaticSniper: BCOUNT = reads per base A,C,G,T; VAF = ALT reads / DP (or the BCOUNT sum). */
static int read_sniper(const Format *f, const Values *v, const char *alt, Py_ssize_t altn,
                       Reading *r)
{
    int i_bc = f->index[0], i_dp = f->index[1];
    int base = altn == 1 ? tier_index(alt[0]) : -1;
    if (base < 0 || i_bc < 0 || i_bc >= v->n)
        return 0;
    long long counts[4], sum = 0;
    const char *p = v->start[i_bc], *end = p + v->len[i_bc];
    for (int i = 0; i < 4; i++) {
        const char *comma = memchr(p, ',', end - p);
        const char *stop = i < 3 ? comma : end;
        if (stop == NULL || (i == 3 && comma != NULL) || !parse_digits(p, stop - p, &counts[i]))
            return 0;
        sum += counts[i];
        p = stop + 1;
    }
    if (!optional_count(v, i_dp, &r->has_depth, &r->depth))
        return 0;
    long long denom = r->has_depth && r->depth ? r->depth : sum;
    if (denom > MAX_EXACT)
        return 0;
    r->alt_count = counts[base];
    r->has_vaf = denom != 0;
    if (r->has_vaf)
        r->vaf = (double)r->alt_count / (double)denom;
    return 1;
}

static int read_caller(const Format *f, const Values *v, const char *ref, Py_ssize_t refn,
                       const char *alt, Py_ssize_t altn, Reading *r)
{
    switch (f->reader) {
    case READ_ALLELIC_DEPTHS:
        return read_allelic_depths(f, v, ref, refn, alt, altn, r);
    case READ_STRELKA_SNV:
    case READ_STRELKA_INDEL:
        return read_strelka(f, v, ref, refn, alt, altn, r);
    case READ_VARSCAN:
        return read_varscan(f, v, r);
    case READ_FREEBAYES:
        return read_freebayes(f, v, r);
    default:
        return read_sniper(f, v, alt, altn, r);
    }
}

static int read_sample(const Format *f, const Values *v, const char *ref, Py_ssize_t refn,
                       const char *alt, Py_ssize_t altn, Reading *r)
{
    r->has_alt = 1;
    if (!read_caller(f, v, ref, refn, alt, altn, r))
        return 0;
    return !(r->has_depth && r->depth > MAX_READ_COUNT)
           && !(r->has_alt && r->alt_count > MAX_READ_COUNT);
}

static int same_text(PyObject *obj, const char *s, Py_ssize_t n)
{
    return obj != NULL && PyUnicode_Check(obj) && PyUnicode_IS_COMPACT_ASCII(obj)
           && PyUnicode_GET_LENGTH(obj) == n && memcmp(PyUnicode_DATA(obj), s, n) == 0;
}

static PyObject *ascii_text(const char *s, Py_ssize_t n)
{
    PyObject *o = PyUnicode_New(n, 127);
    if (o != NULL)
        memcpy(PyUnicode_DATA(o), s, n);
    return o;
}

static PyObject *reading_vaf(const Reading *r, int ok)
{
    if (!ok || !r->has_vaf)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(r->vaf);
}

static PyObject *reading_int(long long value, int ok)
{
    if (!ok)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(value);
}

static PyObject *Scanner_scan(Scanner *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "scan(line, lineno, last_chrom, last_pos, last_dup)");
        return NULL;
    }
    PyObject *line = args[0], *lineno = args[1], *last_chrom = args[2], *last_dup = args[4];
    if (!PyUnicode_Check(line) || !PyUnicode_IS_COMPACT_ASCII(line))
        Py_RETURN_NONE;
    const char *s = PyUnicode_DATA(line);
    Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    if (n == 0 || s[0] == '#')
        Py_RETURN_NONE;

    const char *col[9];
    Py_ssize_t len[9];
    const char *p = s, *end = s + n;
    for (int c = 0; c < 9; c++) {
        const char *tab = memchr(p, '\t', end - p);
        if (tab == NULL)
            Py_RETURN_NONE; /* no sample columns */
        col[c] = p;
        len[c] = tab - p;
        p = tab + 1;
    }
    if (!same_text(last_chrom, col[0], len[0]))
        Py_RETURN_NONE;
    long long pos;
    if (!parse_digits(col[1], len[1], &pos))
        Py_RETURN_NONE;
    long long last_pos = PyLong_AsLongLong(args[3]);
    if (last_pos == -1 && PyErr_Occurred())
        return NULL; /* the Python reader keeps POS within MAX_POSITION (64 bits) */
    if (pos < last_pos)
        Py_RETURN_NONE;
    if (!is_base_run(col[3], len[3]) || !is_base_run(col[4], len[4]))
        Py_RETURN_NONE;
    double qual = 0.0;
    int has_qual = !(len[5] == 1 && col[5][0] == '.');
    if (has_qual && !parse_decimal(col[5], len[5], &qual))
        Py_RETURN_NONE;

    /* FORMAT */
    const Format *f = NULL;
    if (self->last_format >= 0) {
        const Format *g = &self->formats[self->last_format];
        if (g->fmtlen == len[8] && memcmp(g->fmt, col[8], len[8]) == 0)
            f = g;
    }
    if (f == NULL) {
        for (int i = 0; i < self->nformats; i++) {
            const Format *g = &self->formats[i];
            if (g->fmtlen == len[8] && memcmp(g->fmt, col[8], len[8]) == 0) {
                f = g;
                self->last_format = i;
                break;
            }
        }
        if (f == NULL)
            Py_RETURN_NONE;
    }

    /* samples: every column checked, the tumor's and normal's values kept */
    Values tumor, normal;
    int have_normal = 0;
    Py_ssize_t column = 9;
    for (;;) {
        const char *tab = memchr(p, '\t', end - p);
        const char *stop = tab ? tab : end;
        Values *keep = column == self->ti ? &tumor : column == self->ni ? &normal : NULL;
        if (!check_sample(f, p, stop - p, keep))
            Py_RETURN_NONE;
        if (keep == &normal)
            have_normal = 1;
        column++;
        if (tab == NULL)
            break;
        p = tab + 1;
    }
    if (column != self->ncols)
        Py_RETURN_NONE;

    /* the same variant as the line before: the Python reader warns */
    if (PyTuple_Check(last_dup) && PyTuple_GET_SIZE(last_dup) == 4) {
        long long dup_pos = PyLong_AsLongLong(PyTuple_GET_ITEM(last_dup, 1));
        if (dup_pos == -1 && PyErr_Occurred())
            PyErr_Clear();
        else if (dup_pos == pos && same_text(PyTuple_GET_ITEM(last_dup, 3), col[4], len[4])
                 && same_text(PyTuple_GET_ITEM(last_dup, 2), col[3], len[3])
                 && same_text(PyTuple_GET_ITEM(last_dup, 0), col[0], len[0]))
            Py_RETURN_NONE;
    }

    Reading tr, nr;
    if (!read_sample(f, &tumor, col[3], len[3], col[4], len[4], &tr))
        Py_RETURN_NONE;
    int normal_ok = 0;
    if (self->ni >= 0) {
        if (!have_normal || !read_sample(f, &normal, col[3], len[3], col[4], len[4], &nr))
            Py_RETURN_NONE;
        normal_ok = 1;
    }

    /* FILTER: a text the Python reader has already read */
    PyObject *filt = ascii_text(col[6], len[6]);
    if (filt == NULL)
        return NULL;
    PyObject *filter_entry = PyDict_GetItemWithError(self->filters, filt);
    Py_DECREF(filt);
    if (filter_entry == NULL) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    if (!PyTuple_Check(filter_entry) || PyTuple_GET_SIZE(filter_entry) != 2)
        Py_RETURN_NONE;

    /* INFO: the kept items as written, and the pipeline annotation's value */
    const char *info = col[7];
    Py_ssize_t infon = len[7];
    char small[2048];
    char *kept = small;
    if (infon > (Py_ssize_t)sizeof(small)) {
        kept = PyMem_Malloc(infon);
        if (kept == NULL)
            return PyErr_NoMemory();
    }
    Py_ssize_t keptn = 0;
    const char *ann = NULL;
    Py_ssize_t annn = 0;
    if (!(infon == 1 && info[0] == '.')) {
        const char *q = info, *qend = info + infon;
        for (;;) {
            const char *semi = memchr(q, ';', qend - q);
            const char *istop = semi ? semi : qend;
            const char *eq = memchr(q, '=', istop - q);
            Py_ssize_t keyn = (eq ? eq : istop) - q;
            for (int k = 0; k < self->nkeep; k++) {
                if (self->keeplen[k] == keyn && memcmp(self->keep[k], q, keyn) == 0) {
                    if (keptn)
                        kept[keptn++] = ';';
                    memcpy(kept + keptn, q, istop - q);
                    keptn += istop - q;
                    break;
                }
            }
            if (self->ann != NULL && self->annlen == keyn && memcmp(self->ann, q, keyn) == 0) {
                ann = eq ? eq + 1 : istop;
                annn = istop - ann;
            }
            if (semi == NULL)
                break;
            q = semi + 1;
        }
    }

    PyObject *result = NULL;
    PyObject *items[17] = {NULL};
    char original_small[512];
    Py_ssize_t orign = len[0] + len[1] + len[3] + len[4] + 3;
    char *original = orign <= (Py_ssize_t)sizeof(original_small) ? original_small : PyMem_Malloc(orign);
    if (original == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    {
        char *o = original;
        memcpy(o, col[0], len[0]);
        o += len[0];
        *o++ = ':';
        memcpy(o, col[1], len[1]);
        o += len[1];
        *o++ = ':';
        memcpy(o, col[3], len[3]);
        o += len[3];
        *o++ = ':';
        memcpy(o, col[4], len[4]);
    }
    Py_INCREF(lineno);
    items[0] = lineno;
    Py_INCREF(last_chrom);
    items[1] = last_chrom;
    items[2] = PyLong_FromLongLong(pos);
    items[3] = ascii_text(col[3], len[3]);
    items[4] = ascii_text(col[4], len[4]);
    items[5] = ascii_text(original, orign);
    items[6] = PyTuple_GET_ITEM(filter_entry, 0);
    Py_INCREF(items[6]);
    items[7] = PyTuple_GET_ITEM(filter_entry, 1);
    Py_INCREF(items[7]);
    if (has_qual)
        items[8] = PyFloat_FromDouble(qual);
    else {
        Py_INCREF(Py_None);
        items[8] = Py_None;
    }
    items[9] = reading_vaf(&tr, 1);
    items[10] = reading_int(tr.depth, tr.has_depth);
    items[11] = reading_int(tr.alt_count, tr.has_alt);
    items[12] = reading_vaf(&nr, normal_ok);
    items[13] = reading_int(normal_ok ? nr.depth : 0, normal_ok && nr.has_depth);
    if (self->ann == NULL) {
        Py_INCREF(Py_None);
        items[14] = Py_None;
    }
    else if (ann == NULL) {
        Py_INCREF(Py_None);
        items[14] = Py_None;
    }
    else
        items[14] = ascii_text(ann, annn);
    items[15] = PyLong_FromLong(1);
    items[16] = ascii_text(kept, keptn);
    for (int i = 0; i < 17; i++)
        if (items[i] == NULL)
            goto done;
    result = PyObject_Vectorcall(self->call_class, items, 17, NULL);
done:
    for (int i = 0; i < 17; i++)
        Py_XDECREF(items[i]);
    if (original != NULL && original != original_small)
        PyMem_Free(original);
    if (kept != small)
        PyMem_Free(kept);
    return result;
}

static PyObject *Scanner_add_format(Scanner *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"fmt", "types", "reader", "keys", NULL};
    const char *fmt, *types, *reader;
    Py_ssize_t fmtlen, ntypes;
    PyObject *keys;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s#s#sO", kwlist, &fmt, &fmtlen, &types,
                                     &ntypes, &reader, &keys))
        return NULL;
    int kind = -1;
    for (int i = 0; i < READERS; i++)
        if (strcmp(reader, READER_NAMES[i]) == 0)
            kind = i;
    if (kind < 0)
        Py_RETURN_FALSE; /* a caller this path does not read */
    if (self->nformats >= MAX_FORMATS || ntypes > MAX_KEYS || ntypes < 1)
        Py_RETURN_FALSE;
    for (int i = 0; i < self->nformats; i++)
        if (self->formats[i].fmtlen == fmtlen && memcmp(self->formats[i].fmt, fmt, fmtlen) == 0)
            Py_RETURN_TRUE;
    for (Py_ssize_t i = 0; i < ntypes; i++)
        if (!strchr("GIFS", types[i]) || types[i] == '\0') {
            PyErr_SetString(PyExc_ValueError, "types are G, I, F or S");
            return NULL;
        }
    PyObject *seq = PySequence_Fast(keys, "keys must be a sequence of FORMAT key indexes");
    if (seq == NULL)
        return NULL;
    if (PySequence_Fast_GET_SIZE(seq) != READER_KEYS[kind]) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_ValueError, "%s reads %d FORMAT keys", reader, READER_KEYS[kind]);
        return NULL;
    }
    Format *f = &self->formats[self->nformats];
    for (int i = 0; i < READER_KEYS[kind]; i++) {
        long k = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (k == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return NULL;
        }
        f->index[i] = k < MAX_KEYS ? (int)k : -1;
    }
    Py_DECREF(seq);
    f->fmt = PyMem_Malloc(fmtlen + 1);
    if (f->fmt == NULL)
        return PyErr_NoMemory();
    memcpy(f->fmt, fmt, fmtlen);
    f->fmt[fmtlen] = '\0';
    f->fmtlen = fmtlen;
    f->nkeys = (int)ntypes;
    memcpy(f->types, types, ntypes);
    f->reader = kind;
    self->nformats++;
    Py_RETURN_TRUE;
}

static char *copy_ascii(PyObject *text, Py_ssize_t *n)
{
    if (!PyUnicode_Check(text) || !PyUnicode_IS_COMPACT_ASCII(text)) {
        PyErr_SetString(PyExc_ValueError, "INFO keys must be ASCII text");
        return NULL;
    }
    *n = PyUnicode_GET_LENGTH(text);
    char *c = PyMem_Malloc(*n + 1);
    if (c == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(c, PyUnicode_DATA(text), *n);
    c[*n] = '\0';
    return c;
}

static int Scanner_init(Scanner *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"ncols", "tumor", "normal", "keep", "annotation_key", "filters",
                             "call_class", NULL};
    Py_ssize_t ncols, ti, ni;
    PyObject *keep, *ann, *filters, *call_class;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nnnOOO!O", kwlist, &ncols, &ti, &ni, &keep,
                                     &ann, &PyDict_Type, &filters, &call_class))
        return -1;
    if (ncols < 10 || ti < 9 || ti >= ncols || ni >= ncols) {
        PyErr_SetString(PyExc_ValueError, "a scanner needs the tumor sample column");
        return -1;
    }
    self->ncols = ncols;
    self->ti = ti;
    self->ni = ni >= 9 ? ni : -1;
    PyObject *seq = PySequence_Fast(keep, "keep must be a sequence of INFO keys");
    if (seq == NULL)
        return -1;
    Py_ssize_t nkeep = PySequence_Fast_GET_SIZE(seq);
    if (nkeep > MAX_KEEP) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "too many kept INFO keys");
        return -1;
    }
    for (Py_ssize_t i = 0; i < nkeep; i++) {
        self->keep[i] = copy_ascii(PySequence_Fast_GET_ITEM(seq, i), &self->keeplen[i]);
        if (self->keep[i] == NULL) {
            Py_DECREF(seq);
            return -1;
        }
        self->nkeep = (int)i + 1;
    }
    Py_DECREF(seq);
    if (ann != Py_None) {
        self->ann = copy_ascii(ann, &self->annlen);
        if (self->ann == NULL)
            return -1;
    }
    Py_INCREF(filters);
    self->filters = filters;
    Py_INCREF(call_class);
    self->call_class = call_class;
    self->last_format = -1;
    return 0;
}

static void Scanner_dealloc(Scanner *self)
{
    for (int i = 0; i < self->nkeep; i++)
        PyMem_Free(self->keep[i]);
    for (int i = 0; i < self->nformats; i++)
        PyMem_Free(self->formats[i].fmt);
    PyMem_Free(self->ann);
    Py_XDECREF(self->filters);
    Py_XDECREF(self->call_class);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Scanner_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))Scanner_scan, METH_FASTCALL,
     "scan(line, lineno, last_chrom, last_pos, last_dup) -> VariantCall or None"},
    {"add_format", (PyCFunction)(void (*)(void))Scanner_add_format,
     METH_VARARGS | METH_KEYWORDS,
     "add_format(fmt, types, reader, keys): take records of this FORMAT (types: G, I, F or S per "
     "key) and read them as genomics.io.callers' reader does; keys: the indexes (-1: absent) of "
     "AD, AF, DP, FA (allelic_depths), AU, CU, GU, TU, DP (strelka_snv), TAR, TIR, DP "
     "(strelka_indel), FREQ, AD, DP, RD (varscan), AO, RO, DP (freebayes) or BCOUNT, DP "
     "(sniper); False when the path does not take it"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "genomics.io._vcfscan.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Fast path for ordinary bi-allelic VCF records; None means: read it in Python.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_vcfscan",
    .m_doc = "Compiled fast path of genomics.io.vcf.",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__vcfscan(void)
{
    for (const char *b = "ACGTNacgtn"; *b; b++)
        base_table[(unsigned char)*b] = 1;
    if (PyType_Ready(&ScannerType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
