# Cython declarations for office.py (pure-Python mode: the .py stays plain Python).
# Compiled, tickets, desks and offices are extension types with typed fields, and
# the office's methods call each other as C functions.
import cython

cdef class Ticket:
    cdef public object client, needs
    cdef public Py_ssize_t skill, level, visit, cls, kind, channel, unit
    cdef public double t, deadline, travel

cdef class Desk:
    cdef public object id, group, skills, skill_list, duty, paid_until, current, handled, classes, lanes
    cdef public Py_ssize_t period
    cdef public bint active
    cdef public double on, end, since

cdef class OfficeModel:
    cdef public object env, index, timetable, desks, queues, recorder
    cdef public object begin, left, end, refused, call_at
    cdef public list idle
    cdef public bint classes_first, serve_waiting

    @cython.locals(desk=Desk, i=Py_ssize_t)
    cpdef add(self, Ticket tk)
    @cython.locals(lanes=list, levels=list, lane=list)
    cpdef pull(self, Desk desk, double now)
    cpdef _pull_either_class(self, list lanes, double now)
    @cython.locals(tk=Ticket)
    cpdef _head(self, list lane, double now)
    cpdef _next_period(self, Desk desk)
    cpdef _on_duty(self, Desk desk)
    @cython.locals(tk=Ticket)
    cpdef _look(self, Desk desk)
    cpdef _serve(self, Desk desk, Ticket tk, double now)
    cpdef _served(self, Desk desk)
    cpdef _off_duty(self, Desk desk)
    cpdef _duty_row(self, Desk desk, double end)
    cpdef _carry_on(self, Desk desk, double now)
    @cython.locals(desk=Desk)
    cpdef close_duty(self, double horizon)
