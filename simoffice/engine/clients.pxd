# Cython declarations for clients.py (see office.pxd): compiled, a client and its
# draws are extension types whose fields are read as C struct members.

cdef class Draws:
    cdef public Py_ssize_t k, a
    cdef public object times, patiences, service_time, phone_time, video_time, missing, patience
    cdef public object phone_patience, return_u, day_u, channel, point, no_show, lateness, retry, online
    cdef public object escalate, expert, follow_up, booking

cdef class Client:
    # tried and escalated are bit masks over need positions: Python ints, as a bundle may
    # have more than 64 needs (tests/test_bounds.py).
    cdef public object id, services, priority, draws, open, attempts, tried_on, tried, escalated
    cdef public Py_ssize_t zone, segment, btype, level, row, visits, tickets, failed_trips, first_unit
    cdef public Py_ssize_t proactive, pending
    cdef public double created, first_visit, travel
    cdef public bint informed, home, served_this_visit, idle, done, to_office
