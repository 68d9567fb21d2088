import sys, time, collections
from sim.runner import run
import sim.model as M
scale=float(sys.argv[1]); months=int(sys.argv[2])
T=collections.defaultdict(float)
def wrap(obj, name, key):
    f=getattr(obj,name)
    def g(*a,**k):
        t=time.perf_counter(); r=f(*a,**k); T[key]+=time.perf_counter()-t; return r
    setattr(obj,name,g)
orig_init=M.LabourMarketModel.__init__
def init(self,*a,**k):
    wrap(M, "check_accounts", "check_accounts"); wrap(M, "track_reemployment", "track_reemp")
    orig_adv=M.LabourMarketModel._advance
    orig_init(self,*a,**k)
M.check_accounts  # exists
import sim.mechanisms
_orig_adv=M.LabourMarketModel._advance
state={'wrapped':False}
def adv(self):
    if not state['wrapped']:
        for m in self.mechanisms: wrap(m,"step",type(m).__name__)
        state['wrapped']=True
    _orig_adv(self)
M.LabourMarketModel._advance=adv
wrap(M.LabourMarketModel, "_collect", "_collect")
wrap(M,"check_accounts","check_accounts"); wrap(M,"track_reemployment","track_reemp")
t0=time.perf_counter(); run("baseline", scale=scale, seed=1, horizon_months=months); tot=time.perf_counter()-t0
n=months+12
for k,v in sorted(T.items(), key=lambda kv:-kv[1]): print(f"{k:16s} {1000*v/n:8.2f} ms/month")
print(f"total {tot:.2f} s; sum {1000*sum(T.values())/n:.1f} ms/month")
import resource; print("maxrss MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)
