/*
 * order.c — creation and load order of tables: strongly connected components
 * (Tarjan, iterative so that a 10,000-table chain cannot overflow the stack),
 * then Kahn's algorithm over the components, always taking the ready
 * component whose first table comes first in the manifest, so that the result
 * keeps manifest order wherever the references allow it. See order.h.
 */
#include "order.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define UNVISITED SIZE_MAX

/* Edges grouped by the table they start from (compressed adjacency lists). */
typedef struct adjacency {
    size_t *start;   /* count + 1 entries; node n's targets are target[start[n]..start[n+1]) */
    size_t *targets; /* edge_count entries */
} adjacency;

/* Groups the edges by `from` (forward = true) or by `to` (forward = false). */
static int adjacency_build(adjacency *adj, size_t count, const order_edge *edges, size_t edge_count,
                           bool forward)
{
    adj->start = calloc(count + 1, sizeof *adj->start);
    adj->targets = malloc((edge_count ? edge_count : 1) * sizeof *adj->targets);
    size_t *fill = calloc(count ? count : 1, sizeof *fill);
    if (!adj->start || !adj->targets || !fill) {
        free(fill);
        return -1;
    }
    for (size_t i = 0; i < edge_count; i++)
        adj->start[(forward ? edges[i].from : edges[i].to) + 1]++;
    for (size_t n = 0; n < count; n++)
        adj->start[n + 1] += adj->start[n];
    for (size_t i = 0; i < edge_count; i++) {
        size_t source = forward ? edges[i].from : edges[i].to;
        size_t target = forward ? edges[i].to : edges[i].from;
        adj->targets[adj->start[source] + fill[source]++] = target;
    }
    free(fill);
    return 0;
}

static void adjacency_free(adjacency *adj)
{
    free(adj->start);
    free(adj->targets);
}

/*
 * Tarjan's algorithm without recursion. Sets component[n] to a component
 * number for every node and returns the number of components, or SIZE_MAX
 * when memory ran out.
 */
static size_t find_components(size_t count, const adjacency *adj, size_t *component)
{
    size_t *index = malloc(count * sizeof *index);
    size_t *lowlink = malloc(count * sizeof *lowlink);
    size_t *next_edge = malloc(count * sizeof *next_edge); /* DFS position per node */
    size_t *call_stack = malloc(count * sizeof *call_stack);
    size_t *scc_stack = malloc(count * sizeof *scc_stack);
    bool *on_stack = calloc(count, sizeof *on_stack);
    size_t components = SIZE_MAX;
    if (!index || !lowlink || !next_edge || !call_stack || !scc_stack || !on_stack)
        goto done;

    for (size_t n = 0; n < count; n++)
        index[n] = UNVISITED;
    size_t next_index = 0, call_depth = 0, scc_depth = 0;
    components = 0;
    for (size_t root = 0; root < count; root++) {
        if (index[root] != UNVISITED)
            continue;
        call_stack[call_depth++] = root;
        index[root] = lowlink[root] = next_index++;
        next_edge[root] = adj->start[root];
        scc_stack[scc_depth++] = root;
        on_stack[root] = true;
        while (call_depth > 0) {
            size_t node = call_stack[call_depth - 1];
            if (next_edge[node] < adj->start[node + 1]) {
                size_t target = adj->targets[next_edge[node]++];
                if (index[target] == UNVISITED) {
                    index[target] = lowlink[target] = next_index++;
                    next_edge[target] = adj->start[target];
                    scc_stack[scc_depth++] = target;
                    on_stack[target] = true;
                    call_stack[call_depth++] = target;
                } else if (on_stack[target] && index[target] < lowlink[node]) {
                    lowlink[node] = index[target];
                }
                continue;
            }
            /* Every edge of `node` is done: close its component, return to its caller. */
            if (lowlink[node] == index[node]) {
                size_t member;
                do {
                    member = scc_stack[--scc_depth];
                    on_stack[member] = false;
                    component[member] = components;
                } while (member != node);
                components++;
            }
            call_depth--;
            if (call_depth > 0) {
                size_t caller = call_stack[call_depth - 1];
                if (lowlink[node] < lowlink[caller])
                    lowlink[caller] = lowlink[node];
            }
        }
    }
done:
    free(index);
    free(lowlink);
    free(next_edge);
    free(call_stack);
    free(scc_stack);
    free(on_stack);
    return components;
}

/* A binary min-heap of table indexes: the ready components, by first member. */
typedef struct ready_heap {
    size_t *items;
    size_t count;
} ready_heap;

static void heap_push(ready_heap *heap, size_t value)
{
    size_t i = heap->count++;
    heap->items[i] = value;
    while (i > 0 && heap->items[(i - 1) / 2] > heap->items[i]) {
        size_t parent = (i - 1) / 2;
        size_t swap = heap->items[parent];
        heap->items[parent] = heap->items[i];
        heap->items[i] = swap;
        i = parent;
    }
}

static size_t heap_pop(ready_heap *heap)
{
    size_t top = heap->items[0];
    heap->items[0] = heap->items[--heap->count];
    size_t i = 0;
    for (;;) {
        size_t smallest = i, left = 2 * i + 1, right = 2 * i + 2;
        if (left < heap->count && heap->items[left] < heap->items[smallest])
            smallest = left;
        if (right < heap->count && heap->items[right] < heap->items[smallest])
            smallest = right;
        if (smallest == i)
            break;
        size_t swap = heap->items[smallest];
        heap->items[smallest] = heap->items[i];
        heap->items[i] = swap;
        i = smallest;
    }
    return top;
}

/*
 * Kahn's algorithm over the components. A component is named by its first
 * member (lowest manifest index); `component` maps every table to that first
 * member. `dependents` lists, per table, the tables that reference it.
 */
static int emit_in_order(size_t count, const size_t *component, const adjacency *dependents,
                         const adjacency *members, size_t *order)
{
    size_t *waiting = calloc(count, sizeof *waiting); /* per component: unmet references */
    ready_heap heap = {malloc(count * sizeof *heap.items), 0};
    if (!waiting || !heap.items) {
        free(waiting);
        free(heap.items);
        return -1;
    }
    for (size_t to = 0; to < count; to++)
        for (size_t e = dependents->start[to]; e < dependents->start[to + 1]; e++)
            if (component[dependents->targets[e]] != component[to])
                waiting[component[dependents->targets[e]]]++;
    for (size_t n = 0; n < count; n++)
        if (component[n] == n && waiting[n] == 0)
            heap_push(&heap, n);

    size_t written = 0;
    while (heap.count > 0) {
        size_t first = heap_pop(&heap);
        for (size_t m = members->start[first]; m < members->start[first + 1]; m++) {
            size_t table = members->targets[m];
            order[written++] = table;
            for (size_t e = dependents->start[table]; e < dependents->start[table + 1]; e++) {
                size_t dependent = component[dependents->targets[e]];
                if (dependent != first && --waiting[dependent] == 0)
                    heap_push(&heap, dependent);
            }
        }
    }
    free(waiting);
    free(heap.items);
    return written == count ? 0 : -1;
}

int order_tables(size_t count, const order_edge *edges, size_t edge_count, size_t *order,
                 bool *cyclic)
{
    for (size_t i = 0; i < edge_count; i++)
        if (edges[i].from >= count || edges[i].to >= count)
            return -1;
    if (count == 0)
        return 0;

    adjacency references = {0}, dependents = {0}, members = {0};
    size_t *component = malloc(count * sizeof *component);
    size_t *first_member = malloc(count * sizeof *first_member);
    order_edge *membership = malloc(count * sizeof *membership);
    int rc = -1;
    if (!component || !first_member || !membership ||
        adjacency_build(&references, count, edges, edge_count, true) < 0 ||
        adjacency_build(&dependents, count, edges, edge_count, false) < 0)
        goto done;

    size_t component_count = find_components(count, &references, component);
    if (component_count == SIZE_MAX)
        goto done;

    /* Name each component by its first member; list members in manifest order. */
    for (size_t c = 0; c < component_count; c++)
        first_member[c] = SIZE_MAX;
    for (size_t n = 0; n < count; n++) {
        if (first_member[component[n]] == SIZE_MAX)
            first_member[component[n]] = n;
        component[n] = first_member[component[n]];
        membership[n] = (order_edge){component[n], n};
    }
    if (adjacency_build(&members, count, membership, count, true) < 0)
        goto done;

    if (cyclic) {
        for (size_t n = 0; n < count; n++)
            cyclic[n] = members.start[component[n] + 1] - members.start[component[n]] > 1;
        for (size_t i = 0; i < edge_count; i++)
            if (edges[i].from == edges[i].to)
                cyclic[edges[i].from] = true;
    }
    rc = emit_in_order(count, component, &dependents, &members, order);
done:
    free(component);
    free(first_member);
    free(membership);
    adjacency_free(&references);
    adjacency_free(&dependents);
    adjacency_free(&members);
    return rc;
}
