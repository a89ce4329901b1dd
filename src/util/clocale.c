/*
 * clocale.c — the C locale for a stretch of code (clocale.h).
 */
#include <stdlib.h>

#include "clocale.h"

c_locale_scope c_locale_begin(void)
{
    c_locale_scope scope = {newlocale(LC_ALL_MASK, "C", (locale_t)0), (locale_t)0};
    if (scope.c)
        scope.previous = uselocale(scope.c);
    return scope;
}

void c_locale_end(c_locale_scope scope)
{
    if (!scope.c)
        return;
    uselocale(scope.previous);
    freelocale(scope.c);
}

double c_strtod(const char *text, char **end)
{
    c_locale_scope scope = c_locale_begin();
    double value = strtod(text, end);
    c_locale_end(scope);
    return value;
}
