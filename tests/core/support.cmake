# The test suite's own fixture lookup (skip only on a clone without fixtures, fail in CI).
wan_add_test(test_fixtures SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fixtures.cpp LABELS unit)
