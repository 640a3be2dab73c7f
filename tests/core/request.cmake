# The request contract (wan/Request.h): tables, defaults, rules, JSON. No torch.
wan_add_test(test_request SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_request.cpp LIBS wan_request wan_prompt LABELS unit)
