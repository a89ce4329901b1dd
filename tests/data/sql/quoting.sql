-- every construct that can hide a ';' from the splitter
SELECT 'a;b', 'it''s;';
SELECT E'back\'slash;', e'x\\';
SELECT "semi;colon", "say ""hi"";";
SELECT $$dollar; quoted$$, $fn$ nested $$ ; $fn$;
/* block /* nested; */ still comment; */
SELECT 1 -- line comment; not a separator
;
SELECT 'multi
line;
string', 2;
