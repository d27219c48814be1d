-- 0002: reserved for another branch's migration (delete this file when that one is merged).
SELECT 1;
