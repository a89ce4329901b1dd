/* test_order.c — specification of order_tables (src/order.h). */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>

#include "order.h"

#define LENGTH(array) (sizeof(array) / sizeof((array)[0]))

/* Runs order_tables and checks the order and the cyclic flags against the expected ones. */
static void check_order(size_t count, const order_edge *edges, size_t edge_count,
                        const size_t *expected_order, const bool *expected_cyclic)
{
    size_t order[16];
    bool cyclic[16];
    ck_assert_uint_le(count, LENGTH(order));
    for (size_t i = 0; i < count; i++) {
        order[i] = 999;
        cyclic[i] = !expected_cyclic[i];
    }
    ck_assert_int_eq(order_tables(count, edges, edge_count, order, cyclic), 0);
    for (size_t i = 0; i < count; i++) {
        ck_assert_msg(order[i] == expected_order[i], "order[%zu] is %zu, expected %zu", i, order[i],
                      expected_order[i]);
        ck_assert_msg(cyclic[i] == expected_cyclic[i], "cyclic[%zu] is %d, expected %d", i,
                      cyclic[i], expected_cyclic[i]);
    }
}

START_TEST(test_no_edges_keeps_manifest_order)
{
    const size_t expected[] = {0, 1, 2, 3};
    const bool cyclic[] = {false, false, false, false};
    check_order(4, NULL, 0, expected, cyclic);
}
END_TEST

START_TEST(test_chain_puts_each_table_after_the_one_it_references)
{
    /* 0 references 1, 1 references 2, 2 references 3. */
    const order_edge edges[] = {{0, 1}, {1, 2}, {2, 3}};
    const size_t expected[] = {3, 2, 1, 0};
    const bool cyclic[] = {false, false, false, false};
    check_order(4, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_already_ordered_input_is_unchanged)
{
    /* Each table references the one before it. */
    const order_edge edges[] = {{1, 0}, {2, 1}, {3, 2}, {3, 0}};
    const size_t expected[] = {0, 1, 2, 3};
    const bool cyclic[] = {false, false, false, false};
    check_order(4, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_reverse_ordered_input_is_reversed)
{
    const order_edge edges[] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}};
    const size_t expected[] = {4, 3, 2, 1, 0};
    const bool cyclic[] = {false, false, false, false, false};
    check_order(5, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_diamond_keeps_manifest_order_between_siblings)
{
    /* 0 references 1 and 2, which both reference 3. */
    const order_edge edges[] = {{0, 2}, {0, 1}, {2, 3}, {1, 3}};
    const size_t expected[] = {3, 1, 2, 0};
    const bool cyclic[] = {false, false, false, false};
    check_order(4, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_unrelated_tables_stay_in_manifest_order_around_a_dependency)
{
    /* Only 1 references 3; 0 and 2 are free and keep their places. */
    const order_edge edges[] = {{1, 3}};
    const size_t expected[] = {0, 2, 3, 1};
    const bool cyclic[] = {false, false, false, false};
    check_order(4, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_self_reference_is_flagged_and_does_not_move_the_table)
{
    const order_edge edges[] = {{1, 1}, {2, 0}};
    const size_t expected[] = {0, 1, 2};
    const bool cyclic[] = {false, true, false};
    check_order(3, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_two_cycle_is_flagged_and_kept_together)
{
    /* 1 and 3 reference each other; 0 references 3. */
    const order_edge edges[] = {{1, 3}, {3, 1}, {0, 3}};
    const size_t expected[] = {1, 3, 0, 2};
    const bool cyclic[] = {false, true, false, true};
    check_order(4, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_three_cycle_comes_after_what_it_references_outside)
{
    /* 0 -> 1 -> 2 -> 0 is a cycle; 1 also references 4, which must come first. */
    const order_edge edges[] = {{0, 1}, {1, 2}, {2, 0}, {1, 4}};
    const size_t expected[] = {3, 4, 0, 1, 2};
    const bool cyclic[] = {true, true, true, false, false};
    check_order(5, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_two_independent_cycles_each_stay_together_in_manifest_order)
{
    /* Cycle {0, 2} and cycle {1, 3}; 4 references the second one. */
    const order_edge edges[] = {{0, 2}, {2, 0}, {3, 1}, {1, 3}, {4, 1}};
    const size_t expected[] = {0, 2, 1, 3, 4};
    const bool cyclic[] = {true, true, true, true, false};
    check_order(5, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_cycle_that_references_another_cycle_follows_it)
{
    /* Cycle {0, 1} references cycle {2, 3}. */
    const order_edge edges[] = {{0, 1}, {1, 0}, {2, 3}, {3, 2}, {1, 3}};
    const size_t expected[] = {2, 3, 0, 1};
    const bool cyclic[] = {true, true, true, true};
    check_order(4, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_duplicate_edges_count_once)
{
    const order_edge edges[] = {{0, 1}, {0, 1}, {0, 1}, {2, 2}, {2, 2}};
    const size_t expected[] = {1, 0, 2};
    const bool cyclic[] = {false, false, true};
    check_order(3, edges, LENGTH(edges), expected, cyclic);
}
END_TEST

START_TEST(test_null_cyclic_is_allowed)
{
    const order_edge edges[] = {{0, 1}, {1, 0}, {2, 0}};
    size_t order[3] = {9, 9, 9};
    ck_assert_int_eq(order_tables(3, edges, LENGTH(edges), order, NULL), 0);
    ck_assert_uint_eq(order[0], 0);
    ck_assert_uint_eq(order[1], 1);
    ck_assert_uint_eq(order[2], 2);
}
END_TEST

START_TEST(test_zero_tables_is_an_empty_order)
{
    ck_assert_int_eq(order_tables(0, NULL, 0, NULL, NULL), 0);
}
END_TEST

START_TEST(test_edge_to_an_index_past_the_end_is_rejected)
{
    const order_edge edges[] = {{0, 1}, {1, 3}};
    size_t order[3];
    bool cyclic[3];
    ck_assert_int_eq(order_tables(3, edges, LENGTH(edges), order, cyclic), -1);
}
END_TEST

START_TEST(test_edge_from_an_index_past_the_end_is_rejected)
{
    const order_edge edges[] = {{3, 0}};
    size_t order[3];
    ck_assert_int_eq(order_tables(3, edges, LENGTH(edges), order, NULL), -1);
}
END_TEST

START_TEST(test_ten_thousand_table_chain_does_not_overflow_the_stack)
{
    enum { count = 10000 };
    order_edge *edges = malloc((count - 1) * sizeof *edges);
    size_t *order = malloc(count * sizeof *order);
    bool *cyclic = malloc(count * sizeof *cyclic);
    ck_assert_ptr_nonnull(edges);
    ck_assert_ptr_nonnull(order);
    ck_assert_ptr_nonnull(cyclic);
    for (size_t i = 0; i + 1 < count; i++)
        edges[i] = (order_edge){i, i + 1}; /* each table references the next */
    ck_assert_int_eq(order_tables(count, edges, count - 1, order, cyclic), 0);
    for (size_t i = 0; i < count; i++) {
        ck_assert_uint_eq(order[i], count - 1 - i);
        ck_assert(!cyclic[i]);
    }
    free(edges);
    free(order);
    free(cyclic);
}
END_TEST

START_TEST(test_ten_thousand_table_cycle_is_one_flagged_group)
{
    enum { count = 10000 };
    order_edge *edges = malloc(count * sizeof *edges);
    size_t *order = malloc(count * sizeof *order);
    bool *cyclic = malloc(count * sizeof *cyclic);
    ck_assert_ptr_nonnull(edges);
    ck_assert_ptr_nonnull(order);
    ck_assert_ptr_nonnull(cyclic);
    for (size_t i = 0; i < count; i++)
        edges[i] = (order_edge){i, (i + 1) % count};
    ck_assert_int_eq(order_tables(count, edges, count, order, cyclic), 0);
    for (size_t i = 0; i < count; i++) {
        ck_assert_uint_eq(order[i], i);
        ck_assert(cyclic[i]);
    }
    free(edges);
    free(order);
    free(cyclic);
}
END_TEST

static Suite *order_suite(void)
{
    Suite *suite = suite_create("order");
    TCase *tc = tcase_create("order_tables");
    tcase_add_test(tc, test_no_edges_keeps_manifest_order);
    tcase_add_test(tc, test_chain_puts_each_table_after_the_one_it_references);
    tcase_add_test(tc, test_already_ordered_input_is_unchanged);
    tcase_add_test(tc, test_reverse_ordered_input_is_reversed);
    tcase_add_test(tc, test_diamond_keeps_manifest_order_between_siblings);
    tcase_add_test(tc, test_unrelated_tables_stay_in_manifest_order_around_a_dependency);
    tcase_add_test(tc, test_self_reference_is_flagged_and_does_not_move_the_table);
    tcase_add_test(tc, test_two_cycle_is_flagged_and_kept_together);
    tcase_add_test(tc, test_three_cycle_comes_after_what_it_references_outside);
    tcase_add_test(tc, test_two_independent_cycles_each_stay_together_in_manifest_order);
    tcase_add_test(tc, test_cycle_that_references_another_cycle_follows_it);
    tcase_add_test(tc, test_duplicate_edges_count_once);
    tcase_add_test(tc, test_null_cyclic_is_allowed);
    tcase_add_test(tc, test_zero_tables_is_an_empty_order);
    tcase_add_test(tc, test_edge_to_an_index_past_the_end_is_rejected);
    tcase_add_test(tc, test_edge_from_an_index_past_the_end_is_rejected);
    tcase_add_test(tc, test_ten_thousand_table_chain_does_not_overflow_the_stack);
    tcase_add_test(tc, test_ten_thousand_table_cycle_is_one_flagged_group);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(order_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
