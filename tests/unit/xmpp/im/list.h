TEST_ENTRY(xim_sub_table)
TEST_ENTRY(xim_sub_views)
