#include "order.h"
